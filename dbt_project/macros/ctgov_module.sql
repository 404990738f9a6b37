{#- The staging models' source CTE: one module of each landed study version, as JSON
    extracted once, so the fields below read from the small module and not the record. -#}
{% macro ctgov_module(json_path) -%}
    select
        nct_id,
        content_hash,
        record -> '{{ json_path }}' as module
    from {{ landed('raw_studies') }} as raw_studies
{%- endmacro %}
