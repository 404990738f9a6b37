-- Central contacts (location_ordinal null) and site contacts of each study version.
-- Personal data: modelled for completeness, never published.
with source as (
    {{ ctgov_module('contacts_locations_module') }}
),

central_contacts as (
    select
        source.nct_id,
        source.content_hash,
        null::integer as location_ordinal,
        contact.ordinal,
        contact.item
    from source,
        unnest(json_extract(source.module, '$.centralContacts[*]'))
        with ordinality as contact (item, ordinal)
),

locations as (
    select
        source.nct_id,
        source.content_hash,
        location.ordinal as location_ordinal,
        location.item
    from source,
        unnest(json_extract(source.module, '$.locations[*]'))
        with ordinality as location (item, ordinal)
),

site_contacts as (
    select
        locations.nct_id,
        locations.content_hash,
        locations.location_ordinal::integer as location_ordinal,
        contact.ordinal,
        contact.item
    from locations,
        unnest(json_extract(locations.item, '$.contacts[*]'))
        with ordinality as contact (item, ordinal)
),

contacts as (
    select * from central_contacts
    union all
    select * from site_contacts
)

select
    nct_id,
    content_hash,
    location_ordinal,
    ordinal::integer as ordinal,
    item ->> 'role' as contact_role,
    item ->> 'name' as contact_name,
    item ->> 'phone' as phone,
    item ->> 'phoneExt' as phone_ext,
    item ->> 'email' as email
from contacts
