-- Every version of every trial: a run of consecutive observations with one content
-- hash. Observations are ordered by the date they were seen (then by the registry's
-- posting date), so loads in any order give the same history, and a trial that
-- changes back to an earlier content starts a new version.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with observations as (
    select
        observations.nct_id,
        observations.content_hash,
        observations.observed_on,
        status.last_update_posted_date
    from {{ ref('stg_ctgov__observations') }} as observations
    inner join {{ ref('stg_ctgov__status') }} as status using (nct_id, content_hash)
    where {{ only_touched('nct_id', 'observations.nct_id') }}
),

ordered as (
    select
        *,
        lag(content_hash) over (
            partition by nct_id
            order by observed_on, last_update_posted_date nulls first, content_hash
        ) as previous_hash
    from observations
),

numbered as (
    select
        *,
        sum(case when previous_hash is distinct from content_hash then 1 else 0 end) over (
            partition by nct_id
            order by observed_on, last_update_posted_date nulls first, content_hash
            rows unbounded preceding
        ) as version_number
    from ordered
),

versions as (
    select
        nct_id,
        version_number::integer as version_number,
        any_value(content_hash) as content_hash,
        min(observed_on) as valid_from,
        max(observed_on) as last_observed_on,
        any_value(last_update_posted_date) as last_update_posted_date
    from numbered
    group by nct_id, version_number
)

select
    nct_id,
    version_number,
    content_hash,
    valid_from,
    lead(valid_from) over (partition by nct_id order by version_number) as valid_to,
    last_observed_on,
    last_update_posted_date
from versions
