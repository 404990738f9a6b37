-- The current version of each study: its latest version by registry date (see
-- int_trial_versions). First seen is the first day any version was observed; last
-- changed is the registry date of the latest version. A study is removed when a full
-- pull found it gone after it was last seen.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with versions as (
    select * from {{ ref('int_trial_versions') }}
    where {{ only_touched('nct_id') }}
),

trial_history as (
    select
        nct_id,
        min(first_observed_on) as first_seen,
        max(last_observed_on) as last_observed_on,
        count(*) - 1 as update_count
    from versions
    group by nct_id
),

latest as (
    select
        versions.nct_id,
        versions.content_hash,
        versions.registry_date as last_changed
    from versions
    where versions.valid_to is null
),

-- A trial's history is complete when every version its latest history index lists is
-- held (a backfill read it whole).
histories as (
    select
        nct_id,
        bool_and(is_held) as history_complete
    from {{ ref('int_history_indexes') }}
    where {{ only_touched('nct_id') }}
    group by nct_id
),

removals as (
    select
        nct_id,
        max(removed_on) as removed_on,
        arg_max(merged_into, removed_on) as merged_into
    from {{ ref('stg_ctgov__removals') }}
    where {{ only_touched('nct_id') }}
    group by nct_id
)

select
    latest.nct_id,
    latest.content_hash,
    trial_history.last_observed_on,
    trial_history.first_seen,
    latest.last_changed,
    trial_history.update_count,
    coalesce(histories.history_complete, false) as history_complete,
    coalesce(removals.removed_on > trial_history.last_observed_on, false) as is_removed,
    case when removals.removed_on > trial_history.last_observed_on then removals.removed_on end
        as removed_on,
    case when removals.removed_on > trial_history.last_observed_on then removals.merged_into end
        as merged_into
from latest
inner join trial_history using (nct_id)
left join histories using (nct_id)
left join removals using (nct_id)
