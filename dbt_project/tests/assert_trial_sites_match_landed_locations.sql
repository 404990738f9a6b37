-- Weekly: it parses every current record's JSON again, the registry's work, not the day's.
{{ config(tags=['weekly'], meta={'dagster': {'ref': {'name': 'trial_sites'}}}) }}

-- trial_sites holds one row per location listed by each trial's current version:
-- counted here straight from the JSON, independently of the staging models.
with current_records as (
    select
        raw.nct_id,
        raw.record
    from {{ source('ctgov', 'raw_studies') }} as raw
    inner join {{ ref('int_current_versions') }}
        using (nct_id, content_hash)
),

expected as (
    select
        nct_id,
        coalesce(json_array_length(record, '$.protocolSection.contactsLocationsModule.locations'), 0)
            as location_count
    from current_records
),

actual as (
    select
        nct_id,
        count(*) as location_count
    from {{ ref('trial_sites') }}
    group by nct_id
)

select
    expected.nct_id,
    expected.location_count as listed_locations,
    actual.location_count as trial_site_rows
from expected
left join actual using (nct_id)
where expected.location_count != coalesce(actual.location_count, 0)
