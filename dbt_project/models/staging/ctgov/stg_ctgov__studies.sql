-- One row per distinct version of a study: the record's top level and its provenance.
with source as (
    select * from {{ landed('raw_studies') }} as raw_studies
)

select
    nct_id,
    content_hash,
    (record ->> '$.hasResults')::boolean as has_results,
    try_cast(record ->> '$.derivedSection.miscInfoModule.versionHolder' as date) as version_holder_date,
    observed_on as first_observed_on,
    batch_id,
    source_file,
    source_position,
    loaded_at
from source
