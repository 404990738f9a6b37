-- AACT's sponsors: the lead sponsor and the collaborators.
with sponsors as (
    select * from {{ aact_from('sponsors') }}
)

select
    {{ aact_id('sponsor', 'nct_id', 'role', 'ordinal') }} as id,
    nct_id,
    agency_class,
    role as lead_or_collaborator,
    name
from sponsors
