-- protocolSection.outcomesModule: the primary and secondary outcomes of each study
-- version, in the registry's order.
with source as (
    {{ ctgov_module('outcomes_module') }}
),

primary_outcomes as (
    select
        source.nct_id,
        source.content_hash,
        'primary' as outcome_type,
        outcome.ordinal,
        outcome.item
    from source,
        unnest(json_extract(source.module, '$.primaryOutcomes[*]'))
        with ordinality as outcome (item, ordinal)
),

secondary_outcomes as (
    select
        source.nct_id,
        source.content_hash,
        'secondary' as outcome_type,
        outcome.ordinal,
        outcome.item
    from source,
        unnest(json_extract(source.module, '$.secondaryOutcomes[*]'))
        with ordinality as outcome (item, ordinal)
),

outcomes as (
    select * from primary_outcomes
    union all
    select * from secondary_outcomes
)

select
    nct_id,
    content_hash,
    outcome_type,
    ordinal::integer as ordinal,
    item ->> 'measure' as measure,
    item ->> 'description' as description,
    item ->> 'timeFrame' as time_frame
from outcomes
