-- The recruiting status of each trial, and of each of its sites, over time: one row
-- per unbroken run of one status, valid from the day the warehouse first saw it
-- until the day it saw another (valid_to null while it holds). A site's run ends
-- when its status changes or it stops being listed; every run of a removed trial
-- ends on the day it was found removed. Sites without a stated status have no rows.
with versions as (
    select * from {{ ref('int_trial_versions') }}
    where {{ only_touched('nct_id') }}
),

removals as (
    select
        nct_id,
        removed_on
    from {{ ref('int_current_versions') }}
    where is_removed and {{ only_touched('nct_id') }}
),

trial_states as (
    select
        versions.nct_id,
        'trial' as level,
        null::varchar as site_id,
        versions.version_number,
        versions.valid_from,
        versions.valid_to,
        status.overall_status as status,
        null::varchar as facility,
        null::varchar as city,
        null::varchar as state,
        null::varchar as country
    from versions
    inner join {{ ref('stg_ctgov__status') }} as status using (nct_id, content_hash)
),

-- A site listed twice in one version counts once, as first listed.
site_states as (
    select
        versions.nct_id,
        'site' as level,
        sites.site_id,
        versions.version_number,
        versions.valid_from,
        versions.valid_to,
        sites.site_status as status,
        sites.facility,
        sites.city,
        sites.state,
        sites.country
    from versions
    inner join {{ ref('int_version_sites') }} as sites using (nct_id, content_hash)
    qualify row_number() over (
        partition by versions.nct_id, versions.version_number, sites.site_id
        order by sites.ordinal
    ) = 1
),

states as (
    select * from trial_states
    union all
    select * from site_states
),

ordered_states as (
    select
        *,
        lag(version_number) over (partition by nct_id, level, site_id order by version_number) as previous_version,
        lag(status) over (partition by nct_id, level, site_id order by version_number) as previous_status
    from states
),

-- A run starts where the previous version did not list the site, or gave another status.
run_starts as (
    select
        *,
        (
            previous_version is null
            or previous_version < version_number - 1
            or previous_status is distinct from status
        )::integer as starts_run
    from ordered_states
),

runs as (
    select
        *,
        sum(starts_run) over (
            partition by nct_id, level, site_id
            order by version_number
            rows unbounded preceding
        ) as run_number
    from run_starts
),

collapsed as (
    select
        nct_id,
        level,
        site_id,
        run_number,
        any_value(status) as status,
        min(valid_from) as valid_from,
        arg_max_null(valid_to, version_number) as valid_to,
        arg_max_null(facility, version_number) as facility,
        arg_max_null(city, version_number) as city,
        arg_max_null(state, version_number) as state,
        arg_max_null(country, version_number) as country
    from runs
    group by nct_id, level, site_id, run_number
)

select
    substr(md5(concat_ws('|', collapsed.nct_id, collapsed.level, collapsed.site_id, collapsed.run_number)), 1, 16)
        as status_id,
    collapsed.nct_id,
    collapsed.level,
    collapsed.site_id,
    collapsed.status,
    collapsed.valid_from,
    coalesce(collapsed.valid_to, removals.removed_on) as valid_to,
    coalesce(collapsed.valid_to, removals.removed_on) is null as is_current,
    collapsed.facility,
    collapsed.city,
    collapsed.state,
    collapsed.country
from collapsed
left join removals using (nct_id)
where collapsed.status is not null
