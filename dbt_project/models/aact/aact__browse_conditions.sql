-- AACT's browse_conditions: the MeSH terms of each trial's conditions (mesh-list) and
-- their ancestors (mesh-ancestor).
with condition_terms as (
    select * from {{ aact_from('trial_condition_terms') }}
),

conditions as (
    select * from {{ aact_from('conditions') }}
)

select
    {{ aact_id('browse_condition', 'condition_terms.nct_id', 'condition_terms.mesh_id') }} as id,
    condition_terms.nct_id,
    conditions.mesh_term,
    lower(conditions.mesh_term) as downcase_mesh_term,
    case condition_terms.relation when 'direct' then 'mesh-list' else 'mesh-ancestor' end as mesh_type
from condition_terms
inner join conditions on condition_terms.mesh_id = conditions.mesh_id
