-- AACT's countries: each country a trial lists a site in, and each it no longer does
-- (removed).
with trial_sites as (
    select * from {{ aact_from('trial_sites') }}
),

removed_countries as (
    select * from {{ aact_from('trial_removed_countries') }}
),

countries as (
    select distinct
        nct_id,
        country as name,
        false as removed
    from trial_sites
    where country is not null
    union all
    select
        nct_id,
        country as name,
        true as removed
    from removed_countries
)

select
    {{ aact_id('country', 'nct_id', 'name', 'removed') }} as id,
    nct_id,
    name,
    removed
from countries
