-- Every registry version of every trial. A version is known by its registry date:
-- contents of one trial with one registry date are one version, whichever load brought
-- them and on whichever day, and the version keeps the content observed last (a later
-- record of the same date is the registry's correction; see version_corrections).
-- Versions are ordered by registry date, so loads in any order, and history filled in
-- later, give the same versions. Only the registry's own history index can list two
-- versions of one date: numbered, they stay two, in its order, and a content without a
-- number is the last of its date (what a dump of that day showed).
--
-- is_news: the version was newer than every version the warehouse held of the trial
-- when it was first observed (by load, not by day: a backfill landed on the day of a
-- daily run is still later). The first version of a trial is a new trial, not news of
-- a change; an older version filled in later is history. first_loaded_at is when the
-- version arrived, content_loaded_at when the content it keeps did (later after a
-- correction), so trial_changes can tell the changes that were news.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with contents as (
    select
        *,
        coalesce(
            registry_version,
            max(registry_version) over (partition by nct_id, registry_date)
        ) as slot
    from {{ ref('int_version_contents') }}
    where {{ only_touched('nct_id') }}
),

versions as (
    select
        nct_id,
        registry_date,
        slot,
        min(registry_version) as registry_version,
        arg_max(content_hash, (last_loaded_at, last_observed_on, content_hash)) as content_hash,
        arg_max(first_loaded_at, (last_loaded_at, last_observed_on, content_hash))
            as content_loaded_at,
        min(first_observed_on) as first_observed_on,
        max(last_observed_on) as last_observed_on,
        min(first_loaded_at) as first_loaded_at
    from contents
    group by nct_id, registry_date, slot
),

numbered as (
    select
        *,
        row_number() over (partition by nct_id order by registry_date, slot nulls last)::integer
            as version_number,
        -- the newest registry date among the versions held before this one arrived
        max(registry_date) over (
            partition by nct_id order by first_loaded_at
            range between unbounded preceding and current row exclude group
        ) as newest_held
    from versions
)

select
    nct_id,
    version_number,
    content_hash,
    registry_date,
    registry_version,
    registry_date as valid_from,
    lead(registry_date) over (partition by nct_id order by version_number) as valid_to,
    first_observed_on,
    last_observed_on,
    coalesce(registry_date > newest_held, false) as is_news,
    first_loaded_at,
    content_loaded_at
from numbered
