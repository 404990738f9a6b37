{#- A primary key: every row has all of the key's columns, and no two rows share them.
    A daily build checks the keys of the rows it wrote (daily_test_scope): a merge gone
    wrong can only duplicate those. -#}
{% test primary_key(model, column_names) %}
    {%- set key = column_names | join(', ') -%}
    {%- set scope = daily_test_scope(model) %}
    select {{ key }}, count(*) as rows_with_key
    from {{ model }}
    {%- if scope is not none %}
        -- a key with a null matches nothing: such rows are checked where written
        where
            ({{ key }}) in (select {{ key }} from {{ model }} as written where {{ scope }})
            or exists (
                select 1 from {{ model }} as written
                where ({{ scope }}) and ({% for column in column_names %}written.{{ column }} is null{{ ' or ' if not loop.last }}{% endfor %})
            )
    {%- endif %}
    group by {{ key }}
    having count(*) > 1
    {%- for column in column_names %} or bool_or({{ column }} is null){% endfor %}
{% endtest %}
