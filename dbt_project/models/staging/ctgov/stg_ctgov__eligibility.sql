-- protocolSection.eligibilityModule, one row per study version. Ages are kept as
-- the registry writes them and converted to years.
with source as (
    {{ ctgov_module('eligibility_module') }}
),

fields as (
    select
        nct_id,
        content_hash,
        module ->> 'sex' as sex,
        module ->> 'minimumAge' as minimum_age,
        module ->> 'maximumAge' as maximum_age,
        (module ->> 'healthyVolunteers')::boolean as healthy_volunteers,
        coalesce(module ->> '$.stdAges[*]', []::varchar[]) as std_ages,
        module ->> 'eligibilityCriteria' as eligibility_criteria,
        (module ->> 'genderBased')::boolean as gender_based,
        module ->> 'genderDescription' as gender_description,
        module ->> 'studyPopulation' as study_population,
        module ->> 'samplingMethod' as sampling_method
    from source
)

select
    nct_id,
    content_hash,
    sex,
    minimum_age,
    maximum_age,
    {{ age_in_years('minimum_age') }} as minimum_age_years,
    {{ age_in_years('maximum_age') }} as maximum_age_years,
    healthy_volunteers,
    std_ages,
    eligibility_criteria,
    gender_based,
    gender_description,
    study_population,
    sampling_method
from fields
