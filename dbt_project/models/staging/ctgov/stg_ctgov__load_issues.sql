-- Soft findings on landed records: unknown enum values, malformed dates.
with source as (
    select * from {{ landed('load_issues') }} as load_issues
)

select
    batch_id,
    nct_id,
    content_hash,
    path as json_path,
    value as found_value,
    issue
from source
