-- protocolSection.outcomesModule: the primary, secondary and other pre-specified
-- outcomes of each study version, in the registry's order.
with source as (
    {{ ctgov_module('outcomes_module') }}
),

outcome_lists as (
    select
        nct_id,
        content_hash,
        'primary' as outcome_type,
        module -> 'primaryOutcomes' as outcome_list
    from source
    union all
    select
        nct_id,
        content_hash,
        'secondary' as outcome_type,
        module -> 'secondaryOutcomes' as outcome_list
    from source
    union all
    select
        nct_id,
        content_hash,
        'other' as outcome_type,
        module -> 'otherOutcomes' as outcome_list
    from source
)

select
    outcome_lists.nct_id,
    outcome_lists.content_hash,
    outcome_lists.outcome_type,
    outcome.ordinal::integer as ordinal,
    outcome.item ->> 'measure' as measure,
    outcome.item ->> 'description' as description,
    outcome.item ->> 'timeFrame' as time_frame
from outcome_lists,
    unnest(json_extract(outcome_lists.outcome_list, '$[*]'))
    with ordinality as outcome (item, ordinal)
