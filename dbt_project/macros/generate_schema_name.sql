{#- Use the configured schema name as it is (staging, intermediate, main), not
    prefixed with the target's schema: analysts query main.trials, not main_main. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name or target.schema }}
{%- endmacro %}
