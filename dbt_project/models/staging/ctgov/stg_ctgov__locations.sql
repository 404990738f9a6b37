-- protocolSection.contactsLocationsModule.locations: every site a study version
-- lists, in the registry's order. status is null where the registry gives none
-- (it gives site status only while a study is in a recruiting-type state).
with source as (
    {{ ctgov_module('contacts_locations_module') }}
),

locations as (
    select
        source.nct_id,
        source.content_hash,
        location.ordinal,
        location.item
    from source,
        unnest(json_extract(source.module, '$.locations[*]'))
        with ordinality as location (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item ->> 'facility' as facility,
    item ->> 'status' as site_status,
    item ->> 'city' as city,
    item ->> 'state' as state,
    item ->> 'zip' as zip,
    item ->> 'country' as country,
    try_cast(item ->> '$.geoPoint.lat' as double) as latitude,
    try_cast(item ->> '$.geoPoint.lon' as double) as longitude
from locations
