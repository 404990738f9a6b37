{#- A primary key: every row has all of the key's columns, and no two rows share them. -#}
{% test primary_key(model, column_names) %}
    {%- set key = column_names | join(', ') %}
    select {{ key }}, count(*) as rows_with_key
    from {{ model }}
    group by {{ key }}
    having count(*) > 1
    {%- for column in column_names %} or bool_or({{ column }} is null){% endfor %}
{% endtest %}
