-- Links each trial to the MeSH condition terms the registry matched to it
-- ('direct') and to their ancestors in the MeSH tree ('ancestor'); a term that
-- is both is direct.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

meshes as (
    select meshes.*
    from {{ ref('stg_ctgov__condition_meshes') }} as meshes
    semi join current_versions using (nct_id, content_hash)
)

select
    nct_id,
    mesh_id,
    case when bool_or(relation = 'direct') then 'direct' else 'ancestor' end as relation
from meshes
group by nct_id, mesh_id
