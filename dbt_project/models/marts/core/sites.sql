-- One row per distinct facility, the same facility across trials being one site.
-- Its name and address are those of its most common listing.
{{ config(unique_key='site_id') }}

with locations as (
    select * from {{ ref('int_trial_locations') }}
    where {{ only_touched('site_id') }}
),

listings as (
    select
        site_id,
        facility,
        city,
        state,
        zip,
        country,
        latitude,
        longitude,
        count(*) as listing_count
    from locations
    group by all
),

ranked as (
    select
        *,
        row_number() over (
            partition by site_id
            order by listing_count desc, facility asc, city asc, zip asc, latitude asc, longitude asc
        ) as rank_in_site
    from listings
),

trial_counts as (
    select
        site_id,
        count(distinct nct_id) as trial_count
    from locations
    group by site_id
)

select
    ranked.site_id,
    ranked.facility,
    ranked.city,
    ranked.state,
    ranked.zip,
    ranked.country,
    ranked.latitude,
    ranked.longitude,
    trial_counts.trial_count
from ranked
inner join trial_counts using (site_id)
where ranked.rank_in_site = 1
