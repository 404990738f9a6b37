-- protocolSection.identificationModule, one row per study version.
with source as (
    {{ ctgov_module('identification_module') }}
)

select
    nct_id,
    content_hash,
    module ->> 'briefTitle' as brief_title,
    module ->> 'officialTitle' as official_title,
    module ->> 'acronym' as acronym,
    module ->> '$.orgStudyIdInfo.id' as org_study_id,
    module ->> '$.organization.fullName' as organization_name,
    module ->> '$.organization.class' as organization_class
from source
