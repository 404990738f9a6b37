-- resultsSection: the groups participants were counted in, per study version, for the
-- participant flow (FG…), the baseline (BG…) and the adverse events (EG…, with the
-- deaths and events each group had). An outcome measure's own groups (OG…) are in
-- stg_ctgov__outcome_groups.
with flow_groups as (
    {{ ctgov_module_items('participant_flow_module', '$.groups[*]') }}
),

baseline_groups as (
    {{ ctgov_module_items('baseline_module', '$.groups[*]') }}
),

event_groups as (
    {{ ctgov_module_items('adverse_events_module', '$.eventGroups[*]') }}
),

listed as (
    select
        *,
        'participant_flow' as result_type
    from flow_groups
    union all
    select
        *,
        'baseline' as result_type
    from baseline_groups
    union all
    select
        *,
        'adverse_events' as result_type
    from event_groups
)

select
    nct_id,
    content_hash,
    result_type,
    ordinal,
    item ->> 'id' as group_code,
    item ->> 'title' as title,
    item ->> 'description' as description,
    try_cast(item ->> 'deathsNumAffected' as integer) as deaths_affected,
    try_cast(item ->> 'deathsNumAtRisk' as integer) as deaths_at_risk,
    try_cast(item ->> 'seriousNumAffected' as integer) as serious_affected,
    try_cast(item ->> 'seriousNumAtRisk' as integer) as serious_at_risk,
    try_cast(item ->> 'otherNumAffected' as integer) as other_affected,
    try_cast(item ->> 'otherNumAtRisk' as integer) as other_at_risk
from listed
