-- Soft findings on landed records: unknown enum values, malformed dates.
{{ config(unique_key='batch_id') }}

with source as (
    select * from {{ landed('load_issues') }} as load_issues
    where batch_id in {{ run_batches() }}
)

select
    batch_id,
    nct_id,
    content_hash,
    path as json_path,
    value as found_value,
    issue
from source
