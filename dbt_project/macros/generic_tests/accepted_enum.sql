{#- Values must be members of an enum of the registry's OpenAPI spec (the seed
    ctgov_enums is generated from it). `is_list: true` checks each element of a
    list column. The registry adds values over time, so models set this test's
    severity to warn: a new value is reported, and the trial still published. -#}
{% test accepted_enum(model, column_name, enum_name, is_list=false) %}
    with enum_values as (
        select enum_value
        from {{ ref('ctgov_enums') }}
        where enum_name = '{{ enum_name }}'
    ),

    found as (
        select distinct
            {% if is_list %}unnest({{ column_name }}){% else %}{{ column_name }}{% endif %} as value
        from {{ model }}
    )

    select found.value
    from found
    where
        found.value is not null
        and found.value not in (select enum_value from enum_values)
{% endtest %}
