-- Every content of every trial the loads saw, with its registry date (the record's last
-- update posted; for a record without one, the day it was first observed), its
-- registry version number where a history backfill gave one, and when the warehouse
-- observed it: by day, and by load (a load's start), which orders two loads of one day.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with observations as (
    select
        observations.nct_id,
        observations.content_hash,
        observations.observed_on,
        batches.started_at as loaded_at,
        status.last_update_posted_date
    from {{ ref('stg_ctgov__observations') }} as observations
    inner join {{ ref('stg_ctgov__status') }} as status using (nct_id, content_hash)
    inner join {{ ref('stg_ctgov__load_batches') }} as batches using (batch_id)
    where {{ only_touched('nct_id', 'observations.nct_id') }}
),

numbered as (
    select
        nct_id,
        content_hash,
        min(registry_version) as registry_version
    from {{ ref('stg_ctgov__history_versions') }}
    where {{ only_touched('nct_id') }}
    group by nct_id, content_hash
)

select
    observations.nct_id,
    observations.content_hash,
    coalesce(any_value(observations.last_update_posted_date), min(observations.observed_on))
        as registry_date,
    any_value(numbered.registry_version) as registry_version,
    min(observations.observed_on) as first_observed_on,
    max(observations.observed_on) as last_observed_on,
    min(observations.loaded_at) as first_loaded_at,
    max(observations.loaded_at) as last_loaded_at
from observations
left join numbered using (nct_id, content_hash)
group by observations.nct_id, observations.content_hash
