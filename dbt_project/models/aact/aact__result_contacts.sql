-- AACT's result_contacts: whom to ask about the results (people: analysts only).
with result_contacts as (
    select * from {{ aact_from('trial_result_contacts') }}
)

select
    {{ aact_id('result_contact', 'nct_id') }} as id,
    nct_id,
    organization,
    contact_name as name,
    phone,
    email,
    phone_extension as extension
from result_contacts
