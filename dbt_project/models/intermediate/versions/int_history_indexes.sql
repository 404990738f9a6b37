-- Each trial's history as the registry last listed it (its latest index read): one row
-- per registry version, with its date and the overall status then, and whether the
-- warehouse holds it.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with latest as (
    select
        nct_id,
        arg_max(entries, read_at) as entries
    from {{ ref('stg_ctgov__history_indexes') }}
    where {{ only_touched('nct_id') }}
    group by nct_id
),

listed as (
    select
        latest.nct_id,
        (listed.entry ->> 'version')::integer as registry_version,
        (listed.entry ->> 'date')::date as registry_date,
        listed.entry ->> 'status' as overall_status
    from latest, unnest(latest.entries) as listed (entry)
),

held as (
    select distinct
        nct_id,
        registry_version
    from {{ ref('stg_ctgov__history_versions') }}
    where {{ only_touched('nct_id') }}
)

select
    listed.nct_id,
    listed.registry_version,
    listed.registry_date,
    listed.overall_status,
    held.nct_id is not null as is_held
from listed
left join held using (nct_id, registry_version)
