-- AACT's facility_contacts: each site's contacts, the first its primary (people:
-- analysts only).
with contacts as (
    select * from {{ aact_from('contacts') }}
    where site_id is not null and role = 'CONTACT'
)

select
    {{ aact_id('facility_contact', 'nct_id', 'location_ordinal', 'ordinal') }} as id,
    nct_id,
    {{ aact_id('facility', 'nct_id', 'location_ordinal') }} as facility_id,
    case
        when row_number() over (partition by nct_id, location_ordinal order by ordinal) = 1 then 'primary'
        else 'backup'
    end as contact_type,
    name,
    email,
    phone,
    phone_ext as phone_extension
from contacts
