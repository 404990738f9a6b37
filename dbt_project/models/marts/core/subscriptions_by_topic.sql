-- How many people follow each trial and condition by email: counts, never addresses.
-- Small, and read from the store of sign-ups as it was before this build: rebuilt whole.
{{ config(materialized='table') }}

with counts as (
    select * from {{ ref('stg_subscribers__topic_counts') }}
),

conditions as (
    select * from {{ ref('conditions') }}
)

select
    counts.topic,
    case
        when counts.nct_id is not null then 'trial'
        when counts.mesh_id is not null then 'condition'
        else 'condition wording'
    end as topic_kind,
    counts.nct_id,
    counts.mesh_id,
    coalesce(conditions.mesh_term, counts.condition_wording) as condition,
    counts.following,
    counts.pending,
    counts.unsubscribed
from counts
left join conditions using (mesh_id)
