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
    module ->> '$.organization.class' as organization_class,
    module ->> '$.orgStudyIdInfo.type' as org_study_id_type,
    module ->> '$.orgStudyIdInfo.link' as org_study_id_link,
    coalesce(module ->> '$.nctIdAliases[*]', []::varchar[]) as nct_id_aliases
from source
