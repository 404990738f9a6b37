-- AACT's intervention_other_names: the other names of each intervention.
with interventions as (
    select * from {{ aact_from('interventions') }}
),

named as (
    select
        nct_id,
        ordinal,
        unnest(other_names) as other_name,
        generate_subscripts(other_names, 1) as position
    from interventions
)

select
    {{ aact_id('intervention_other_name', 'nct_id', 'ordinal', 'position') }} as id,
    nct_id,
    {{ aact_id('intervention', 'nct_id', 'ordinal') }} as intervention_id,
    other_name as name
from named
