-- AACT's facility_investigators: each site's investigators (people: analysts only).
with contacts as (
    select * from {{ aact_from('contacts') }}
    where site_id is not null and role != 'CONTACT'
)

select
    {{ aact_id('facility_investigator', 'nct_id', 'location_ordinal', 'ordinal') }} as id,
    nct_id,
    {{ aact_id('facility', 'nct_id', 'location_ordinal') }} as facility_id,
    role,
    name
from contacts
