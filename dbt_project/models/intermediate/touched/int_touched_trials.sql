-- The trials this run recomputes: those the loads it builds observed, removed, landed
-- or numbered a version of, or read the history of (every trial when building whole).
-- Rebuilt each run.
{{ config(materialized='table') }}

with observed as (
    select nct_id from {{ ref('stg_ctgov__observations') }}
    where batch_id in {{ run_batches() }}
),

removed as (
    select nct_id from {{ ref('stg_ctgov__removals') }}
    where batch_id in {{ run_batches() }}
),

landed as (
    select nct_id from {{ ref('stg_ctgov__study_modules') }}
),

-- a backfill numbers versions it holds already, and reads indexes
backfilled as (
    select nct_id from {{ ref('stg_ctgov__history_versions') }}
    where batch_id in {{ run_batches() }}
    union
    select nct_id from {{ ref('stg_ctgov__history_indexes') }}
    where batch_id in {{ run_batches() }}
)

select nct_id from observed
union
select nct_id from removed
union
select nct_id from landed
union
select nct_id from backfilled
