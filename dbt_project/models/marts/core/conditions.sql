-- One row per MeSH condition term that any current trial is linked to.
{{ config(unique_key='mesh_id') }}

with meshes as (
    select * from {{ ref('stg_ctgov__condition_meshes') }}
    where {{ only_touched('mesh_id') }}
),

terms as (
    select * from {{ ref('trial_condition_terms') }}
    where {{ only_touched('mesh_id') }}
),

names as (
    -- The registry spells a MeSH id the same way everywhere; min() only makes the pick stable.
    select
        mesh_id,
        min(mesh_term) as mesh_term
    from meshes
    group by mesh_id
)

select
    terms.mesh_id,
    names.mesh_term,
    count(distinct terms.nct_id) as trial_count,
    count(distinct terms.nct_id) filter (where terms.relation = 'direct') as direct_trial_count
from terms
inner join names using (mesh_id)
group by terms.mesh_id, names.mesh_term
