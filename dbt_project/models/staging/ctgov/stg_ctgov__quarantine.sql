-- Records the loader could not land, with why and where.
with source as (
    select * from {{ landed('quarantine') }} as quarantine
)

select
    batch_id,
    source_file,
    source_position,
    reason,
    raw_hash,
    raw_text,
    quarantined_at
from source
