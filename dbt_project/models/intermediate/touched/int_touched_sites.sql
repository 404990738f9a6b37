-- The sites this run recomputes: every site any version of a touched trial lists, so
-- a site a trial stopped listing is recounted too. Rebuilt each run.
{{ config(materialized='table') }}

with touched_trials as (
    select * from {{ ref('int_touched_trials') }}
)

select distinct version_sites.site_id
from {{ ref('int_version_sites') }} as version_sites
semi join touched_trials using (nct_id)
