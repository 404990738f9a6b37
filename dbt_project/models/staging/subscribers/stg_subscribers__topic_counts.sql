-- One row per topic of the sign-up forms, with its counts by state.
{{ config(materialized='table') }}

with source as (
    select * from {{ source('subscribers', 'topic_counts') }}
)

select
    topic::varchar as topic,
    nct_id::varchar as nct_id,
    mesh_id::varchar as mesh_id,
    condition::varchar as condition_wording,
    following::integer as following,
    pending::integer as pending,
    unsubscribed::integer as unsubscribed
from source
