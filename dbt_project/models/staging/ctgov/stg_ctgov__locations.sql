-- protocolSection.contactsLocationsModule.locations: every site a study version
-- lists, in the registry's order. status is null where the registry gives none
-- (it gives site status only while a study is in a recruiting-type state).
-- The sites are read into typed structs in one pass (from_json), not as a JSON
-- value per site: at registry scale that is millions of sites, and the JSON
-- values did not fit in the build's memory.
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
        unnest(
            from_json(
                source.module -> '$.locations',
                '[{"facility": "VARCHAR", "status": "VARCHAR", "city": "VARCHAR",
                   "state": "VARCHAR", "zip": "VARCHAR", "country": "VARCHAR",
                   "geoPoint": {"lat": "VARCHAR", "lon": "VARCHAR"}}]'
            )
        )
        with ordinality as location (item, ordinal)
)

select
    locations.nct_id,
    locations.content_hash,
    ordinal::integer as ordinal,
    item.facility,
    item.status as site_status,
    item.city,
    item.state,
    item.zip,
    item.country,
    try_cast(item.geopoint.lat as double) as latitude,
    try_cast(item.geopoint.lon as double) as longitude
from locations
