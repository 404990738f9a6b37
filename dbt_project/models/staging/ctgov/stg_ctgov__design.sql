-- protocolSection.designModule, one row per study version.
with source as (
    {{ ctgov_module('design_module') }}
)

select
    nct_id,
    content_hash,
    module ->> 'studyType' as study_type,
    coalesce(module ->> '$.phases[*]', []::varchar[]) as phases,
    module ->> '$.designInfo.allocation' as allocation,
    module ->> '$.designInfo.interventionModel' as intervention_model,
    module ->> '$.designInfo.primaryPurpose' as primary_purpose,
    module ->> '$.designInfo.maskingInfo.masking' as masking,
    try_cast(module ->> '$.enrollmentInfo.count' as integer) as enrollment_count,
    module ->> '$.enrollmentInfo.type' as enrollment_type
from source
