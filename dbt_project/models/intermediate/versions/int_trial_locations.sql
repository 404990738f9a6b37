-- The locations of each study's current version, each given the site it is.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
)

select version_sites.*
from {{ ref('int_version_sites') }} as version_sites
semi join current_versions using (nct_id, content_hash)
where {{ only_touched('nct_id', 'version_sites.nct_id') }}
