-- The MeSH conditions this run recomputes: every term any version of a touched trial
-- lists, so a term a trial no longer lists is recounted too. Rebuilt each run.
{{ config(materialized='table') }}

with touched_trials as (
    select * from {{ ref('int_touched_trials') }}
)

select distinct meshes.mesh_id
from {{ ref('stg_ctgov__condition_meshes') }} as meshes
semi join touched_trials using (nct_id)
where meshes.mesh_id is not null
