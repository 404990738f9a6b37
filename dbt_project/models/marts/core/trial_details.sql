-- The rest of what each trial's current version says of it as a whole, beside `trials`:
-- its other ids, every registration date as given, design and eligibility details,
-- expanded access and biospecimens.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

studies as (
    select * from {{ ref('stg_ctgov__studies') }}
),

identification as (
    select * from {{ ref('stg_ctgov__identification') }}
),

status as (
    select * from {{ ref('stg_ctgov__status') }}
),

design as (
    select * from {{ ref('stg_ctgov__design') }}
),

eligibility as (
    select * from {{ ref('stg_ctgov__eligibility') }}
),

description as (
    select * from {{ ref('stg_ctgov__description') }}
)

select
    current_versions.nct_id,
    identification.org_study_id,
    identification.org_study_id_type,
    identification.org_study_id_link,
    identification.nct_id_aliases,
    identification.organization_name,
    identification.organization_class,
    studies.version_holder_date,
    status.last_known_status,
    status.status_verified_date,
    status.status_verified_as_given,
    status.start_as_given,
    status.start_date_type,
    status.primary_completion_date_type,
    status.completion_as_given,
    status.completion_date_type,
    status.first_submitted_date,
    status.first_submitted_qc_date,
    status.first_posted_date_type,
    status.last_update_submitted_date,
    status.last_update_posted_date_type,
    status.results_first_submitted_date,
    status.results_first_submitted_qc_date,
    status.results_first_posted_date_type,
    status.disposition_first_submitted_date,
    status.disposition_first_submitted_qc_date,
    status.disposition_first_posted_date,
    status.disposition_first_posted_date_type,
    status.results_waived,
    status.delayed_posting,
    status.has_expanded_access,
    status.expanded_access_nct_id,
    status.expanded_access_status,
    design.intervention_model_description,
    design.observational_model,
    design.time_perspective,
    design.masking_description,
    design.who_masked,
    design.target_duration,
    design.patient_registry,
    design.expanded_access_individual,
    design.expanded_access_intermediate,
    design.expanded_access_treatment,
    design.biospec_retention,
    design.biospec_description,
    eligibility.std_ages,
    eligibility.eligibility_criteria,
    eligibility.gender_based,
    eligibility.gender_description,
    eligibility.study_population,
    eligibility.sampling_method,
    description.detailed_description
from current_versions
inner join studies using (nct_id, content_hash)
inner join identification using (nct_id, content_hash)
inner join status using (nct_id, content_hash)
inner join design using (nct_id, content_hash)
inner join eligibility using (nct_id, content_hash)
inner join description using (nct_id, content_hash)
