-- One row per trial, as its current version describes it.
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
),

lead_sponsors as (
    select * from {{ ref('stg_ctgov__sponsors') }}
    where sponsor_role = 'lead'
),

joined as (
    select
        current_versions.nct_id,
        identification.brief_title,
        identification.official_title,
        identification.acronym,
        status.overall_status,
        status.why_stopped,
        design.study_type,
        design.phases,
        {{ phases_label('design.phases') }} as phase,
        design.enrollment_count,
        design.enrollment_type,
        design.allocation,
        design.intervention_model,
        design.primary_purpose,
        design.masking,
        status.start_date,
        status.start_date_precision,
        status.primary_completion_date,
        status.primary_completion_date_precision,
        status.completion_date,
        status.completion_date_precision,
        status.first_posted_date,
        status.last_update_posted_date,
        status.results_first_posted_date,
        lead_sponsors.sponsor_name as lead_sponsor_name,
        lead_sponsors.agency_class as lead_sponsor_class,
        studies.has_results,
        eligibility.sex,
        eligibility.minimum_age_years,
        eligibility.maximum_age_years,
        eligibility.minimum_age,
        eligibility.maximum_age,
        eligibility.healthy_volunteers,
        description.brief_summary,
        current_versions.first_seen,
        current_versions.last_changed,
        current_versions.update_count,
        current_versions.history_complete,
        current_versions.content_hash,
        current_versions.last_observed_on,
        current_versions.is_removed,
        current_versions.removed_on,
        current_versions.merged_into
    from current_versions
    inner join studies using (nct_id, content_hash)
    inner join identification using (nct_id, content_hash)
    inner join status using (nct_id, content_hash)
    inner join design using (nct_id, content_hash)
    inner join eligibility using (nct_id, content_hash)
    inner join description using (nct_id, content_hash)
    left join lead_sponsors using (nct_id, content_hash)
)

select * from joined
