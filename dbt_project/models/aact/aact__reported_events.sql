-- AACT's reported_events: each serious and other adverse event's count per group, with
-- the module's time frame, description and threshold.
with adverse_events as (
    select * from {{ aact_from('trial_adverse_events') }}
),

results as (
    select * from {{ aact_from('trial_results') }}
)

select
    {{ aact_id('reported_event', 'adverse_events.nct_id', 'event_type', 'event_ordinal', 'ordinal') }} as id,
    adverse_events.nct_id,
    {{ aact_id('result_group', 'adverse_events.nct_id', "'adverse_events'", 'group_code') }} as result_group_id,
    adverse_events.group_code as ctgov_group_code,
    results.events_time_frame as time_frame,
    adverse_events.event_type,
    -- API v2 names the vocabulary and assessment per term only: AACT's defaults stay empty
    null::varchar as default_vocab,
    null::varchar as default_assessment,
    adverse_events.subjects_affected,
    adverse_events.subjects_at_risk,
    results.events_description as description,
    adverse_events.events as event_count,
    adverse_events.organ_system,
    adverse_events.term as adverse_event_term,
    results.events_frequency_threshold as frequency_threshold,
    adverse_events.vocabulary as vocab,
    adverse_events.assessment_type as assessment
from adverse_events
left join results on adverse_events.nct_id = results.nct_id
