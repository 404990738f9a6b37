{#- "18 Years", "6 Months", "28 Days" -> years as a double; null when absent or
    not of that form. A month is 1/12 year; weeks, days, hours and minutes use
    the Julian year of 365.25 days. -#}
{% macro age_in_years(expr) -%}
    round(
        try_cast(regexp_extract({{ expr }}, '^(\d+) ', 1) as double)
        * case regexp_extract({{ expr }}, '^\d+ (\w+)$', 1)
            when 'Year' then 1.0
            when 'Years' then 1.0
            when 'Month' then 1.0 / 12
            when 'Months' then 1.0 / 12
            when 'Week' then 7 / 365.25
            when 'Weeks' then 7 / 365.25
            when 'Day' then 1 / 365.25
            when 'Days' then 1 / 365.25
            when 'Hour' then 1 / 8766.0
            when 'Hours' then 1 / 8766.0
            when 'Minute' then 1 / 525960.0
            when 'Minutes' then 1 / 525960.0
        end,
        4
    )
{%- endmacro %}
