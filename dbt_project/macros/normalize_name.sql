{#- A name reduced to what identifies it: lower case, punctuation dropped,
    white space folded. "UPMC Hillman Cancer Center " and "UPMC  Hillman
    Cancer Center." become one. Letters of every script count (RE2's [:alnum:]
    is ASCII only, and would make a name in Chinese or Arabic empty). -#}
{% macro normalize_name(expr) -%}
    nullif(trim(regexp_replace(regexp_replace(lower({{ expr }}), '[^\p{L}\p{N}\s]', '', 'g'), '\s+', ' ', 'g')), '')
{%- endmacro %}
