-- protocolSection.contactsLocationsModule.overallOfficials: the people responsible for
-- each study version (principal investigators, chairs, directors), in the registry's
-- order. Names of people: analysts only, like the contacts.
with source as (
    {{ ctgov_module('contacts_locations_module') }}
),

officials as (
    select
        source.nct_id,
        source.content_hash,
        official.ordinal,
        official.item
    from source,
        unnest(json_extract(source.module, '$.overallOfficials[*]'))
        with ordinality as official (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item ->> 'name' as official_name,
    item ->> 'affiliation' as affiliation,
    item ->> 'role' as official_role
from officials
