-- The study versions this run landed (every one when building whole) with the parts
-- of their record the staging models read, each as JSON. A record is parsed here once
-- for all of them: parsing the whole record in each staging model was most of the
-- build's time at registry scale. Rebuilt each run: the staging models keep the rest.
{{ config(materialized='table') }}

with source as (
    select * from {{ landed('raw_studies') }} as raw_studies
    where batch_id in {{ run_batches() }}
),

extracted as (
    select
        *,
        json_extract(
            record,
            [
                {%- for path in ctgov_modules().values() %}
                    '{{ path }}',
                {%- endfor %}
            ]
        ) as parts
    from source
)

select
    {%- for column in ctgov_modules() %}
        parts[{{ loop.index }}] as {{ column }},
    {%- endfor %}
    nct_id,
    content_hash,
    observed_on,
    batch_id,
    source_file,
    source_position,
    loaded_at
from extracted
