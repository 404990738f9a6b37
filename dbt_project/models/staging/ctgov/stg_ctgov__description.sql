-- protocolSection.descriptionModule, one row per study version.
with source as (
    select
        nct_id,
        content_hash,
        record -> '$.protocolSection.descriptionModule' as module
    from {{ source('ctgov', 'raw_studies') }}
)

select
    nct_id,
    content_hash,
    module ->> 'briefSummary' as brief_summary,
    module ->> 'detailedDescription' as detailed_description
from source
