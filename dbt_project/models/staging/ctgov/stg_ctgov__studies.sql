-- One row per distinct version of a study: the record's top level and its provenance.
with source as (
    select * from {{ ref('stg_ctgov__study_modules') }}
)

select
    nct_id,
    content_hash,
    (has_results ->> '$')::boolean as has_results,
    try_cast(version_holder ->> '$' as date) as version_holder_date,
    observed_on as first_observed_on,
    batch_id,
    source_file,
    source_position,
    loaded_at
from source
