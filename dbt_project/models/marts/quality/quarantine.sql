-- Records that could not be landed: why, from which file and where in it.
{{ config(incremental_strategy='delete+insert', unique_key='batch_id') }}

select * from {{ ref('stg_ctgov__quarantine') }}
where batch_id in {{ run_batches() }}
