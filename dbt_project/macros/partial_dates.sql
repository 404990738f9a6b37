{#- The registry gives dates as yyyy-MM-dd, yyyy-MM or yyyy. A partial date keeps
    the first day of its period plus a precision column, so none is dropped and
    none pretends to be more exact than it is. Anything else is null (and the
    loader has logged it in load_issues). -#}

{% macro partial_date(expr) -%}
    case
        when regexp_full_match({{ expr }}, '\d{4}-\d{2}-\d{2}')
            then try_strptime({{ expr }}, '%Y-%m-%d')::date
        when regexp_full_match({{ expr }}, '\d{4}-\d{2}')
            then try_strptime({{ expr }} || '-01', '%Y-%m-%d')::date
        when regexp_full_match({{ expr }}, '\d{4}')
            then try_strptime({{ expr }} || '-01-01', '%Y-%m-%d')::date
    end
{%- endmacro %}

{% macro date_precision(expr) -%}
    case
        when {{ partial_date(expr) }} is null then null
        when length({{ expr }}) = 10 then 'day'
        when length({{ expr }}) = 7 then 'month'
        else 'year'
    end
{%- endmacro %}
