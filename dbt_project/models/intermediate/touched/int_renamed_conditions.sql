-- The MeSH ids whose name this build changes: a new version spells one lower than every
-- earlier version did (conditions names an id by its lowest spelling). The trend
-- ledgers hold condition segments by name, so a rename recomputes them for every trial
-- (macros/trends.sql). Rare: MeSH renames terms once a year. Empty when building whole.
{{ config(materialized='table') }}

with spellings as (
    select
        meshes.mesh_id,
        meshes.mesh_term,
        {{ only_new_versions('meshes.nct_id', 'meshes.content_hash') }} as is_new
    from {{ ref('stg_ctgov__condition_meshes') }} as meshes
    where meshes.mesh_id in (select mesh_id from {{ ref('int_touched_conditions') }})
)

select mesh_id
from spellings
group by mesh_id
having min(mesh_term) filter (where is_new) < min(mesh_term) filter (where not is_new)
