-- AACT's browse_interventions: the MeSH terms of each trial's interventions (mesh-list)
-- and their ancestors (mesh-ancestor).
with intervention_terms as (
    select * from {{ aact_from('trial_intervention_terms') }}
)

select
    {{ aact_id('browse_intervention', 'nct_id', 'mesh_id') }} as id,
    nct_id,
    mesh_term,
    lower(mesh_term) as downcase_mesh_term,
    case relation when 'direct' then 'mesh-list' else 'mesh-ancestor' end as mesh_type
from intervention_terms
