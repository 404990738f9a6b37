-- AACT's overall_officials (people: analysts only).
with officials as (
    select * from {{ aact_from('trial_officials') }}
)

select
    {{ aact_id('overall_official', 'nct_id', 'ordinal') }} as id,
    nct_id,
    role,
    name,
    affiliation
from officials
