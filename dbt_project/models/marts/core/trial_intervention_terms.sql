-- Links each trial to the MeSH terms the registry matched to its interventions
-- ('direct') and to their ancestors in the MeSH tree ('ancestor'); a term that is both
-- is direct.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

meshes as (
    select meshes.*
    from {{ ref('stg_ctgov__intervention_meshes') }} as meshes
    semi join current_versions using (nct_id, content_hash)
)

select
    nct_id,
    mesh_id,
    any_value(mesh_term) as mesh_term,
    case when bool_or(relation = 'direct') then 'direct' else 'ancestor' end as relation
from meshes
group by nct_id, mesh_id
