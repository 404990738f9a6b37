{#- The nested shapes of the results section, shared by the baseline and the outcome
    measures (resultsSection in the registry's API). -#}

{#- Each measurement of each measure in ``measures`` (a relation with nct_id,
    content_hash, ordinal and the measure as item): one row per class, category and
    group, with the measure's position. -#}
{% macro measure_cells(measures) -%}
    select
        {{ measures }}.nct_id,
        {{ measures }}.content_hash,
        {{ measures }}.ordinal as measure_ordinal,
        classes.ordinal::integer as class_ordinal,
        classes.item ->> 'title' as class_title,
        classes.item -> '$.denoms[0]' as class_denom,
        categories.ordinal::integer as category_ordinal,
        categories.item ->> 'title' as category_title,
        cells.ordinal::integer as ordinal,
        cells.item ->> 'groupId' as group_code,
        cells.item ->> 'value' as param_value,
        try_cast(cells.item ->> 'value' as double) as param_value_num,
        cells.item ->> 'spread' as spread,
        try_cast(cells.item ->> 'spread' as double) as spread_num,
        cells.item ->> 'lowerLimit' as lower_limit,
        try_cast(cells.item ->> 'lowerLimit' as double) as lower_limit_num,
        cells.item ->> 'upperLimit' as upper_limit,
        try_cast(cells.item ->> 'upperLimit' as double) as upper_limit_num,
        cells.item ->> 'comment' as comment
    from {{ measures }},
        {{ json_items(measures ~ '.item', '$.classes[*]', 'classes') }},
        {{ json_items('classes.item', '$.categories[*]', 'categories') }},
        {{ json_items('categories.item', '$.measurements[*]', 'cells') }}
{%- endmacro %}

{#- Each count of each denominator ("participants analyzed", or other units) of each
    parent in ``parents`` (a relation with nct_id, content_hash and the parent as item),
    with the parent's columns ``keys``. -#}
{% macro denom_counts(parents, keys) -%}
    select
        {{ parents }}.nct_id,
        {{ parents }}.content_hash,
    {%- for key in keys %}
        {{ parents }}.{{ key }},
    {%- endfor %}
        denoms.ordinal::integer as denom_ordinal,
        denoms.item ->> 'units' as units,
        counts.ordinal::integer as ordinal,
        counts.item ->> 'groupId' as group_code,
        try_cast(counts.item ->> 'value' as integer) as count
    from {{ parents }},
        {{ json_items(parents ~ '.item', '$.denoms[*]', 'denoms') }},
        {{ json_items('denoms.item', '$.counts[*]', 'counts') }}
{%- endmacro %}
