{#- Plain-language labels for values from the registry, used in the sentences that
    describe a change. -#}

{#- A coded value as a reader sees it, from the seed enum_labels (which the site, the
    digests and the report read too): RECRUITING -> Recruiting, ACTIVE_NOT_RECRUITING ->
    Active, not recruiting; a value without a label as the registry sent it. -#}
{% macro enum_label(expr) -%}
    coalesce(
        (select labels.label from {{ ref('enum_labels') }} as labels where labels.enum_value = {{ expr }}),
        {{ expr }}
    )
{%- endmacro %}

{#- A partial date (see partial_dates.sql) as the text the registry gave:
    2024, 2024-05 or 2024-05-03. -#}
{% macro partial_date_text(date_expr, precision_expr) -%}
    case {{ precision_expr }}
        when 'day' then strftime({{ date_expr }}, '%Y-%m-%d')
        when 'month' then strftime({{ date_expr }}, '%Y-%m')
        when 'year' then strftime({{ date_expr }}, '%Y')
    end
{%- endmacro %}

{#- A partial date for a reader: 2024, May 2024 or May 3, 2024. -#}
{% macro partial_date_label(date_expr, precision_expr) -%}
    case {{ precision_expr }}
        when 'day' then strftime({{ date_expr }}, '%b %-d, %Y')
        when 'month' then strftime({{ date_expr }}, '%B %Y')
        when 'year' then strftime({{ date_expr }}, '%Y')
    end
{%- endmacro %}

{#- Where a site is, as a reader names it: the city with its state in the United
    States (Pittsburgh, Pennsylvania), with its country elsewhere (Lyon, France). -#}
{% macro place_label(city, state, country) -%}
    coalesce(
        {{ city }} || ', ' || case when {{ country }} = 'United States' then coalesce({{ state }}, {{ country }}) else {{ country }} end,
        {{ city }},
        {{ state }} || ', ' || {{ country }},
        {{ country }}
    )
{%- endmacro %}

{#- A list of phase codes as the registry's site writes them: "Phase 1/Phase 2",
    "Early Phase 1", "Not Applicable"; null when none. -#}
{% macro phases_label(list_expr) -%}
    nullif(array_to_string(list_transform({{ list_expr }}, lambda phase: case phase
        when 'NA' then 'Not Applicable'
        when 'EARLY_PHASE1' then 'Early Phase 1'
        else 'Phase ' || replace(phase, 'PHASE', '')
    end), '/'), '')
{%- endmacro %}
