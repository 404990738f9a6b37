-- One row per location a trial lists, with the site it is and its recruiting status.
with locations as (
    select * from {{ ref('int_trial_locations') }}
)

select
    nct_id,
    site_id,
    ordinal,
    site_status
from locations
