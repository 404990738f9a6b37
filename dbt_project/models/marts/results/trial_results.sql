-- What each trial's results say of themselves besides the tables: the participant
-- flow's and the baseline's notes, the adverse events' time frame and threshold, the
-- limitations, and the investigators' agreement with the sponsor (current version;
-- trials with results only).
with results as (
    select * from {{ ref('stg_ctgov__results') }}
)

select
    nct_id,
    recruitment_details,
    pre_assignment_details,
    flow_units_analyzed,
    baseline_population,
    baseline_units_analyzed,
    events_time_frame,
    events_description,
    events_frequency_threshold,
    all_cause_mortality_comment,
    limitations_and_caveats,
    pi_sponsor_employee,
    restriction_type,
    restrictive_agreement,
    agreement_other_details
from results
semi join {{ current_version_keys() }} using (nct_id, content_hash)
