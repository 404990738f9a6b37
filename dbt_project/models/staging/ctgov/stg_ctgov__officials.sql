-- protocolSection.contactsLocationsModule.overallOfficials: the people responsible for
-- each study version (principal investigators, chairs, directors), in the registry's
-- order. Names of people: analysts only, like the contacts.
with officials as (
    {{ ctgov_module_items('contacts_locations_module', '$.overallOfficials[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'name' as official_name,
    item ->> 'affiliation' as affiliation,
    item ->> 'role' as official_role
from officials
