{#- A name reduced to what identifies it: lower case, punctuation dropped,
    white space folded. "UPMC Hillman Cancer Center " and "UPMC  Hillman
    Cancer Center." become one. -#}
{% macro normalize_name(expr) -%}
    nullif(trim(regexp_replace(regexp_replace(lower({{ expr }}), '[^[:alnum:][:space:]]', '', 'g'), '\s+', ' ', 'g')), '')
{%- endmacro %}
