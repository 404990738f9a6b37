{#- The `aact` schema: views with AACT's table and column names over the marts
    (models/aact/, docs/coming-from-aact.md). -#}

{#- A mart as the views read it: without the build's database name, so that a view
    binds to the tables of whichever database holds it (the build, then the lake). -#}
{% macro aact_from(model) -%}
    {{ ref(model).include(database=false) }}
{%- endmacro %}

{#- AACT's integer ids, made deterministic: a 60-bit number from the row's key (the
    same key gives the same id in every build and rebuild, and a foreign id is the
    same expression over the referenced row's key). -#}
{% macro aact_id(kind) -%}
    ('0x' || left(md5(concat_ws('|', '{{ kind }}', {{ varargs | join(', ') }})), 15))::bigint
{%- endmacro %}
