-- protocolSection.armsInterventionsModule.armGroups: each study version's arms (or
-- groups and cohorts), in the registry's order, with the interventions each receives.
with source as (
    {{ ctgov_module('arms_interventions_module') }}
),

arm_groups as (
    select
        source.nct_id,
        source.content_hash,
        arm_group.ordinal,
        arm_group.item
    from source,
        unnest(json_extract(source.module, '$.armGroups[*]'))
        with ordinality as arm_group (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item ->> 'label' as label,
    item ->> 'type' as group_type,
    item ->> 'description' as description,
    coalesce(item ->> '$.interventionNames[*]', []::varchar[]) as intervention_names
from arm_groups
