-- The current version of each study: its latest version (see int_trial_versions). A
-- study is removed when a full pull found it gone after it was last seen.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with versions as (
    select * from {{ ref('int_trial_versions') }}
    where {{ only_touched('nct_id') }}
),

trial_history as (
    select
        nct_id,
        min(valid_from) as first_seen,
        count(*) - 1 as update_count
    from versions
    group by nct_id
),

latest as (
    select
        versions.nct_id,
        versions.content_hash,
        versions.valid_from as last_changed,
        versions.last_observed_on
    from versions
    where versions.valid_to is null
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
    latest.last_observed_on,
    trial_history.first_seen,
    latest.last_changed,
    trial_history.update_count,
    coalesce(removals.removed_on > latest.last_observed_on, false) as is_removed,
    case when removals.removed_on > latest.last_observed_on then removals.removed_on end
        as removed_on,
    case when removals.removed_on > latest.last_observed_on then removals.merged_into end
        as merged_into
from latest
inner join trial_history using (nct_id)
left join removals using (nct_id)
