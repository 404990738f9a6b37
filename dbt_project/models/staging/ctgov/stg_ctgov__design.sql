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
    module ->> '$.enrollmentInfo.type' as enrollment_type,
    module ->> '$.designInfo.interventionModelDescription' as intervention_model_description,
    module ->> '$.designInfo.observationalModel' as observational_model,
    module ->> '$.designInfo.timePerspective' as time_perspective,
    module ->> '$.designInfo.maskingInfo.maskingDescription' as masking_description,
    coalesce(module ->> '$.designInfo.maskingInfo.whoMasked[*]', []::varchar[]) as who_masked,
    module ->> 'targetDuration' as target_duration,
    (module ->> 'patientRegistry')::boolean as patient_registry,
    (module ->> '$.expandedAccessTypes.individual')::boolean as expanded_access_individual,
    (module ->> '$.expandedAccessTypes.intermediate')::boolean as expanded_access_intermediate,
    (module ->> '$.expandedAccessTypes.treatment')::boolean as expanded_access_treatment,
    module ->> '$.bioSpec.retention' as biospec_retention,
    module ->> '$.bioSpec.description' as biospec_description
from source
