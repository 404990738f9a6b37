-- AACT's central_contacts: whom to ask about the trial as a whole, the first its primary
-- (people: analysts only).
with contacts as (
    select * from {{ aact_from('contacts') }}
    where site_id is null
)

select
    {{ aact_id('central_contact', 'nct_id', 'ordinal') }} as id,
    nct_id,
    case
        when row_number() over (partition by nct_id order by ordinal) = 1 then 'primary' else 'backup'
    end as contact_type,
    name,
    phone,
    email,
    phone_ext as phone_extension,
    role
from contacts
