-- protocolSection.armsInterventionsModule.armGroups: each study version's arms (or
-- groups and cohorts), in the registry's order, with the interventions each receives.
with arm_groups as (
    {{ ctgov_module_items('arms_interventions_module', '$.armGroups[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'label' as label,
    item ->> 'type' as group_type,
    item ->> 'description' as description,
    coalesce(item ->> '$.interventionNames[*]', []::varchar[]) as intervention_names
from arm_groups
