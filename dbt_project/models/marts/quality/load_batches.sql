-- Every load into the landing, succeeded or failed, with what it added.
{{ config(materialized='table') }}

select * from {{ ref('stg_ctgov__load_batches') }}
