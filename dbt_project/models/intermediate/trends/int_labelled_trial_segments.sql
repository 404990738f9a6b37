-- int_trial_segments as the trend marts count them: a condition segment named by its
-- MeSH term (a MeSH id with no term is left out, as trends have no name to show).
{{ config(materialized='view') }}

with segments as (
    select * from {{ ref('int_trial_segments') }}
),

conditions as (
    select * from {{ ref('conditions') }}
),

labelled as (
    select
        segments.nct_id,
        segments.dimension,
        coalesce(conditions.mesh_term, segments.segment) as segment
    from segments
    left join conditions
        on segments.dimension = 'condition' and segments.segment = conditions.mesh_id
    where segments.dimension != 'condition' or conditions.mesh_term is not null
)

-- Two MeSH ids of one name are one segment.
select distinct
    nct_id,
    dimension,
    segment
from labelled
