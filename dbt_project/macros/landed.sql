{#- A landing table's rows from succeeded loads only. A load commits in chunks; until
    it succeeds (or if it was killed mid-way) its rows must not reach the warehouse. -#}
{% macro landed(table_name) -%}
    (
        select landed_rows.*
        from {{ source('ctgov', table_name) }} as landed_rows
        semi join {{ source('ctgov', 'load_batches') }} as batches
            on landed_rows.batch_id = batches.batch_id and batches.status = 'succeeded'
    )
{%- endmacro %}
