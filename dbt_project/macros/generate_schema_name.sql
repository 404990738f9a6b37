{#- Use the configured schema name as it is (staging, intermediate, main), not
    prefixed with the target's schema: analysts query main.trials, not main_main. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name or target.schema }}
{%- endmacro %}

{#- The views of models/aact/ take AACT's table names, which the marts' names would
    collide with: aact__conditions is the view aact.conditions. -#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- if custom_alias_name -%}
        {{ custom_alias_name | trim }}
    {%- elif node.name.startswith('aact__') -%}
        {{ node.name[6:] }}
    {%- else -%}
        {{ node.name }}
    {%- endif -%}
{%- endmacro %}
