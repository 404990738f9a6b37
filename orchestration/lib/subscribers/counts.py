"""How many follow each trial and condition, for the warehouse: counts, never addresses.

Written as Parquet before each dbt build, which reads it as the source
``subscribers.topic_counts`` (mart ``subscriptions_by_topic``). The file is replaced
whole by a rename, so a build reads one complete count.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from orchestration.lib.subscribers.store import transaction
from orchestration.lib.subscribers.topics import Topic

COUNTS = """
    select topic,
        count(case when status = 'active' then 1 end) as following,
        count(case when status = 'pending' then 1 end) as pending,
        count(case when status = 'unsubscribed' then 1 end) as unsubscribed
    from signups group by topic order by topic
"""
SCHEMA = pa.schema(
    [
        ("topic", pa.string()),
        ("nct_id", pa.string()),
        ("mesh_id", pa.string()),
        ("condition", pa.string()),  # a CSV sign-up's own wording of a condition
        ("following", pa.int64()),
        ("pending", pa.int64()),
        ("unsubscribed", pa.int64()),
    ]
)


def write_topic_counts(store: str, path: Path) -> int:
    """Write the counts of ``store`` to ``path``; the number of topics."""
    with transaction(store) as con:
        counted = con.execute(sa.text(COUNTS)).all()
    rows = [
        {
            "topic": topic.name,
            "nct_id": topic.nct_id,
            "mesh_id": topic.mesh_id,
            "condition": topic.term,
            "following": row.following,
            "pending": row.pending,
            "unsubscribed": row.unsubscribed,
        }
        for row in counted
        if (topic := Topic.parse(row.topic)) is not None
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), partial)
    os.replace(partial, path)
    return len(rows)
