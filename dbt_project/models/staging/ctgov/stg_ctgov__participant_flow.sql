-- resultsSection.participantFlowModule.periods: per study version, each period's
-- milestones (started, completed, ...) and reasons for not completing, with the count
-- of each group.
with periods as (
    {{ ctgov_module_items('participant_flow_module', '$.periods[*]') }}
),

milestones as (
    select
        periods.nct_id,
        periods.content_hash,
        periods.ordinal as period_ordinal,
        periods.item ->> 'title' as period_title,
        'milestone' as flow_kind,
        listed.ordinal::integer as flow_ordinal,
        listed.item ->> 'type' as flow_type,
        listed.item ->> 'comment' as flow_comment,
        listed.item -> 'achievements' as counts
    from periods, {{ json_items('periods.item', '$.milestones[*]', 'listed') }}
),

drop_withdraws as (
    select
        periods.nct_id,
        periods.content_hash,
        periods.ordinal as period_ordinal,
        periods.item ->> 'title' as period_title,
        'drop_withdraw' as flow_kind,
        listed.ordinal::integer as flow_ordinal,
        listed.item ->> 'type' as flow_type,
        listed.item ->> 'comment' as flow_comment,
        listed.item -> 'reasons' as counts
    from periods, {{ json_items('periods.item', '$.dropWithdraws[*]', 'listed') }}
),

steps as (
    select * from milestones
    union all
    select * from drop_withdraws
)

select
    steps.nct_id,
    steps.content_hash,
    steps.period_ordinal,
    steps.period_title,
    steps.flow_kind,
    steps.flow_ordinal,
    steps.flow_type,
    steps.flow_comment,
    counted.ordinal::integer as ordinal,
    counted.item ->> 'groupId' as group_code,
    counted.item ->> 'numSubjects' as subjects_text,
    try_cast(counted.item ->> 'numSubjects' as integer) as subjects,
    try_cast(counted.item ->> 'numUnits' as integer) as units,
    counted.item ->> 'comment' as comment
from steps, {{ json_items('steps.counts', '$[*]', 'counted') }}
