-- AACT's studies: one row per trial, as its current version describes it. AACT's
-- created_at and updated_at are when trialwatch first saw the trial and when it last
-- saw it change.
with trials as (
    select * from {{ aact_from('trials') }}
),

details as (
    select * from {{ aact_from('trial_details') }}
),

oversight as (
    select * from {{ aact_from('trial_oversight') }}
),

results as (
    select * from {{ aact_from('trial_results') }}
),

arm_counts as (
    select
        nct_id,
        count(*) as arm_groups
    from {{ aact_from('trial_arm_groups') }}
    group by nct_id
)

select
    trials.nct_id,
    details.version_holder_date::varchar as nlm_download_date_description,
    details.first_submitted_date as study_first_submitted_date,
    details.results_first_submitted_date,
    details.disposition_first_submitted_date,
    details.last_update_submitted_date,
    details.first_submitted_qc_date as study_first_submitted_qc_date,
    trials.first_posted_date as study_first_posted_date,
    details.first_posted_date_type as study_first_posted_date_type,
    details.results_first_submitted_qc_date,
    trials.results_first_posted_date,
    details.results_first_posted_date_type,
    details.disposition_first_submitted_qc_date,
    details.disposition_first_posted_date,
    details.disposition_first_posted_date_type,
    -- API v2 gives one date for an update's submission and its quality control
    details.last_update_submitted_date as last_update_submitted_qc_date,
    trials.last_update_posted_date,
    details.last_update_posted_date_type,
    details.start_as_given as start_month_year,
    details.start_date_type,
    trials.start_date,
    details.status_verified_as_given as verification_month_year,
    details.status_verified_date as verification_date,
    details.completion_as_given as completion_month_year,
    details.completion_date_type,
    trials.completion_date,
    details.target_duration,
    trials.study_type,
    trials.acronym,
    results.baseline_population,
    trials.brief_title,
    trials.official_title,
    trials.overall_status,
    details.last_known_status,
    -- the registry's phases as AACT's ctgov_v2 schema writes them: PHASE1/PHASE2, NA
    nullif(array_to_string(trials.phases, '/'), '') as phase,
    trials.enrollment_count as enrollment,
    trials.enrollment_type,
    details.organization_name as source,
    results.limitations_and_caveats,
    case when trials.study_type = 'INTERVENTIONAL' then arm_counts.arm_groups end as number_of_arms,
    case when trials.study_type != 'INTERVENTIONAL' then arm_counts.arm_groups end as number_of_groups,
    trials.why_stopped,
    details.has_expanded_access,
    details.expanded_access_individual as expanded_access_type_individual,
    details.expanded_access_intermediate as expanded_access_type_intermediate,
    details.expanded_access_treatment as expanded_access_type_treatment,
    oversight.has_dmc,
    oversight.is_fda_regulated_drug,
    oversight.is_fda_regulated_device,
    oversight.is_unapproved_device,
    oversight.is_ppsd,
    oversight.is_us_export,
    details.biospec_retention,
    details.biospec_description,
    oversight.ipd_time_frame,
    oversight.ipd_access_criteria,
    oversight.ipd_url,
    oversight.plan_to_share_ipd,
    oversight.plan_to_share_ipd_description,
    trials.first_seen::timestamp as created_at,
    trials.last_changed::timestamp as updated_at,
    details.organization_class as source_class,
    details.delayed_posting,
    details.expanded_access_nct_id as expanded_access_nctid,
    details.expanded_access_status as expanded_access_status_for_nctid,
    oversight.fdaaa801_violation,
    results.baseline_units_analyzed as baseline_type_units_analyzed
from trials
inner join details on trials.nct_id = details.nct_id
left join oversight on trials.nct_id = oversight.nct_id
left join results on trials.nct_id = results.nct_id
left join arm_counts on trials.nct_id = arm_counts.nct_id
