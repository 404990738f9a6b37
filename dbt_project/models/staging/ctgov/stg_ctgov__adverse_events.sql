-- resultsSection.adverseEventsModule: per study version, each serious and other adverse
-- event term, with how many in each group it affected and how often.
with serious as (
    {{ ctgov_module_items('adverse_events_module', '$.seriousEvents[*]') }}
),

other as (
    {{ ctgov_module_items('adverse_events_module', '$.otherEvents[*]') }}
),

events as (
    select
        *,
        'serious' as event_type
    from serious
    union all
    select
        *,
        'other' as event_type
    from other
)

select
    events.nct_id,
    events.content_hash,
    events.event_type,
    events.ordinal as event_ordinal,
    stats.ordinal::integer as ordinal,
    events.item ->> 'term' as term,
    events.item ->> 'organSystem' as organ_system,
    events.item ->> 'sourceVocabulary' as vocabulary,
    events.item ->> 'assessmentType' as assessment_type,
    events.item ->> 'notes' as notes,
    stats.item ->> 'groupId' as group_code,
    try_cast(stats.item ->> 'numEvents' as integer) as events,
    try_cast(stats.item ->> 'numAffected' as integer) as subjects_affected,
    try_cast(stats.item ->> 'numAtRisk' as integer) as subjects_at_risk
from events, {{ json_items('events.item', '$.stats[*]', 'stats') }}
