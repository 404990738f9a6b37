-- protocolSection.descriptionModule, one row per study version.
with source as (
    {{ ctgov_module('description_module') }}
)

select
    nct_id,
    content_hash,
    module ->> 'briefSummary' as brief_summary,
    module ->> 'detailedDescription' as detailed_description
from source
