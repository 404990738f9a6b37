-- AACT's facilities: each site a trial lists, with its recruiting status.
with trial_sites as (
    select * from {{ aact_from('trial_sites') }}
)

select
    {{ aact_id('facility', 'nct_id', 'ordinal') }} as id,
    nct_id,
    site_status as status,
    facility as name,
    city,
    state,
    zip,
    country
from trial_sites
