-- Each arm or group of a trial and the interventions it receives, as its current version lists them.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

arm_groups as (
    select * from {{ ref('stg_ctgov__arm_groups') }}
)

select
    arm_groups.nct_id,
    arm_groups.ordinal,
    arm_groups.label,
    arm_groups.group_type,
    arm_groups.description,
    arm_groups.intervention_names
from arm_groups
semi join current_versions using (nct_id, content_hash)
