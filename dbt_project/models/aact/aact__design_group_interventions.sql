-- AACT's design_group_interventions: which intervention each arm receives. The registry
-- names them "Type: Name" in the arm; matched to the trial's interventions by that name.
with arm_groups as (
    select * from {{ aact_from('trial_arm_groups') }}
),

interventions as (
    select * from {{ aact_from('interventions') }}
),

received as (
    select
        nct_id,
        ordinal,
        unnest(intervention_names) as intervention_name
    from arm_groups
)

select
    {{ aact_id('design_group_intervention', 'received.nct_id', 'received.ordinal', 'interventions.ordinal') }} as id,
    received.nct_id,
    {{ aact_id('design_group', 'received.nct_id', 'received.ordinal') }} as design_group_id,
    {{ aact_id('intervention', 'received.nct_id', 'interventions.ordinal') }} as intervention_id
from received
inner join interventions
    on
        received.nct_id = interventions.nct_id
        and lower(received.intervention_name)
        = lower(replace(interventions.intervention_type, '_', ' ') || ': ' || interventions.name)
