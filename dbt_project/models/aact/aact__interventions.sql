-- AACT's interventions: each intervention of the protocol.
with interventions as (
    select * from {{ aact_from('interventions') }}
)

select
    {{ aact_id('intervention', 'nct_id', 'ordinal') }} as id,
    nct_id,
    intervention_type,
    name,
    description
from interventions
