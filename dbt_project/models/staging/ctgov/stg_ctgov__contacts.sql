-- Central contacts (location_ordinal null) and site contacts of each study version.
-- Personal data: modelled for completeness, never published.
-- Read into typed structs in one pass (from_json), as stg_ctgov__locations is.
with source as (
    select
        nct_id,
        content_hash,
        from_json(
            module,
            '{"centralContacts": [{"role": "VARCHAR", "name": "VARCHAR", "phone": "VARCHAR",
                                   "phoneExt": "VARCHAR", "email": "VARCHAR"}],
              "locations": [{"contacts": [{"role": "VARCHAR", "name": "VARCHAR",
                                           "phone": "VARCHAR", "phoneExt": "VARCHAR",
                                           "email": "VARCHAR"}]}]}'
        ) as module
    from ({{ ctgov_module('contacts_locations_module') }}) as contacts_locations
),

central_contacts as (
    select
        source.nct_id,
        source.content_hash,
        null::integer as location_ordinal,
        contact.ordinal,
        contact.item
    from source,
        unnest(source.module['centralContacts']) with ordinality as contact (item, ordinal)
),

locations as (
    select
        source.nct_id,
        source.content_hash,
        location.ordinal as location_ordinal,
        location.item
    from source,
        unnest(source.module['locations']) with ordinality as location (item, ordinal)
),

site_contacts as (
    select
        locations.nct_id,
        locations.content_hash,
        locations.location_ordinal::integer as location_ordinal,
        contact.ordinal,
        contact.item
    from locations,
        unnest(locations.item['contacts']) with ordinality as contact (item, ordinal)
),

contacts as (
    select * from central_contacts
    union all
    select * from site_contacts
)

select
    contacts.nct_id,
    contacts.content_hash,
    contacts.location_ordinal,
    ordinal::integer as ordinal,
    item.role as contact_role,
    item.name as contact_name,
    item.phone,
    item.phoneext as phone_ext,
    item.email
from contacts
