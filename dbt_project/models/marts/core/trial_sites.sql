-- One row per location a trial lists, with the site it is, its recruiting status,
-- and the address and geocode as this trial writes them.
with locations as (
    select * from {{ ref('int_trial_locations') }}
    where {{ only_touched('nct_id') }}
)

select
    nct_id,
    site_id,
    ordinal,
    site_status,
    facility,
    city,
    state,
    zip,
    country,
    latitude,
    longitude
from locations
