-- protocolSection.armsInterventionsModule.interventions, one row per study version
-- and position.
with source as (
    {{ ctgov_module('arms_interventions_module') }}
),

interventions as (
    select
        source.nct_id,
        source.content_hash,
        intervention.ordinal,
        intervention.item
    from source,
        unnest(json_extract(source.module, '$.interventions[*]'))
        with ordinality as intervention (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item ->> 'type' as intervention_type,
    item ->> 'name' as intervention_name,
    item ->> 'description' as description,
    coalesce(item ->> '$.otherNames[*]', []::varchar[]) as other_names,
    coalesce(item ->> '$.armGroupLabels[*]', []::varchar[]) as arm_group_labels
from interventions
