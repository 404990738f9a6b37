-- protocolSection.contactsLocationsModule.locations: every site a study version
-- lists, in the registry's order. status is null where the registry gives none
-- (it gives site status only while a study is in a recruiting-type state).
-- The sites are read into typed structs in one pass (from_json), not as a JSON
-- value per site: at registry scale that is millions of sites, and the JSON
-- values did not fit in the build's memory.
with source as (
    {{ ctgov_module('contacts_locations_module') }}
),

-- Unnested in the select list, the ordinal from a series beside it: a lateral unnest
-- "with ordinality" ran out of the build's memory at 100,000 studies on DuckDB 1.5.5
-- (51 s, then out of memory; this form takes 1 s).
parsed as (
    select
        source.nct_id,
        source.content_hash,
        from_json(
            source.module -> '$.locations',
            '[{"facility": "VARCHAR", "status": "VARCHAR", "city": "VARCHAR",
               "state": "VARCHAR", "zip": "VARCHAR", "country": "VARCHAR",
               "geoPoint": {"lat": "VARCHAR", "lon": "VARCHAR"}}]'
        ) as listed
    from source
),

locations as (
    select
        nct_id,
        content_hash,
        unnest(generate_series(1, len(listed))) as ordinal,
        unnest(listed) as item
    from parsed
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
