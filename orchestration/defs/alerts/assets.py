"""Sign-ups in, digests out: one message per subscriber per run, each event once."""

import dagster as dg

from orchestration.defs.alerts.resources import AlertsResource
from orchestration.defs.site.assets import site_published
from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.alerts.events import find_events, known_conditions
from orchestration.lib.alerts.ledger import deliver
from orchestration.lib.alerts.subscriptions import read_subscriptions
from orchestration.lib.common.lake import Lake
from orchestration.lib.subscribers.counts import write_topic_counts
from orchestration.lib.subscribers.imports import import_files
from orchestration.lib.subscribers.legacy import adopt_legacy_ledger
from orchestration.lib.subscribers.signups import active, expire
from orchestration.lib.subscribers.store import now, transaction


@dg.asset(
    key=["subscribers", "topic_counts"],
    group_name="alerts",
    kinds={"parquet"},
    description=(
        "How many follow, await confirming or left each trial and condition (counts, never"
        " addresses), from the store of sign-ups: the dbt source of subscriptions_by_topic."
    ),
)
def subscriber_counts(alerts: AlertsResource) -> dg.MaterializeResult:
    current = alerts.settings()
    topics = write_topic_counts(alerts.store(), current.subscriber_counts)
    return dg.MaterializeResult(metadata={"topics": topics})


@dg.asset(
    deps=[published_warehouse],
    group_name="alerts",
    kinds={"csv", "sqlite"},
    description=(
        "The store of sign-ups: the CSV sign-ups and unsubscribes of data/subscriptions/"
        " imported (bad rows reported), unconfirmed sign-ups past their time forgotten."
    ),
)
def subscriptions(
    context: dg.AssetExecutionContext, alerts: AlertsResource
) -> dg.MaterializeResult:
    lake = Lake.of(alerts.settings())
    with lake.connect() as con:
        trials = {n for (n,) in con.execute("select nct_id from main.trials").fetchall()}
    conditions = known_conditions(lake)
    files = read_subscriptions(
        alerts.subscriptions_dir(),
        known_trial=trials.__contains__,
        known_condition=lambda c: c.strip().lower() in conditions,
    )
    moment = now()
    adopted = adopt_legacy_ledger(alerts.settings().data_dir, alerts.store(), alerts.secret())
    with transaction(alerts.store()) as con:
        imported = import_files(con, files, moment, alerts.secret())
        expired = expire(con, moment)
        following = len(active(con, alerts.secret()))
    for bad in files.rejected:
        context.log.warning(f"skipped {bad.source_file} line {bad.line}: {bad.reason}")
    return dg.MaterializeResult(
        metadata={
            "csv_rows": len(files.subscriptions),
            "events_adopted_from_alerts_duckdb": adopted,
            "imported": imported.added,
            "confirmed_again": imported.confirmed_again,
            "unsubscribed_by_csv": imported.unsubscribed,
            "already_followed": imported.already_followed,
            "erased_not_imported": imported.erased,
            "expired_unconfirmed": expired,
            "active": following,
            "rejected": len(files.rejected),
            "rejections": dg.MetadataValue.md(
                "\n".join(f"- {r.source_file}:{r.line} {r.reason}" for r in files.rejected)
                or "none"
            ),
        }
    )


@dg.asset(
    deps=[subscriptions, site_published],
    group_name="alerts",
    kinds={"email"},
    description="A digest per subscriber of what changed since they confirmed, delivered once.",
)
def alert_digests(
    context: dg.AssetExecutionContext, alerts: AlertsResource
) -> dg.MaterializeResult:
    current = alerts.settings()
    transport = alerts.transport()
    with transaction(alerts.store()) as con:
        following = active(con, alerts.secret())
    report = deliver(
        alerts.store(),
        find_events(Lake.of(current), following),
        transport,
        site_url=current.site_url,
        unsubscribe_url=current.unsubscribe_page,
        sender=current.mail_from,
        secret=alerts.secret(),
    )
    context.log.info(
        f"{report.events} events, {report.messages_prepared} new digests, "
        f"{report.messages_sent} sent by {transport.name}"
    )
    for failure in report.failures:
        context.log.warning(f"not delivered: {failure}")
    return dg.MaterializeResult(
        metadata={
            "events": report.events,
            "digests_prepared": report.messages_prepared,
            "digests_sent": report.messages_sent,
            "resent_after_interruption": report.resent_after_interruption,
            "digests_refused": report.messages_failed,
            "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in report.failures) or "none"),
            "transport": transport.name,
        }
    )
