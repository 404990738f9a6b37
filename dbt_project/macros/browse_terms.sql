{#- The MeSH terms a browse module (derivedSection's conditionBrowseModule or
    interventionBrowseModule, a column of stg_ctgov__study_modules) matched to each study
    version (relation 'direct') and their ancestors in the MeSH tree ('ancestor'). -#}
{% macro browse_terms(column) -%}
with source as (
    {{ ctgov_module(column) }}
),

terms as (
    select
        source.nct_id,
        source.content_hash,
        'direct' as relation,
        mesh.item
    from source,
        unnest(json_extract(source.module, '$.meshes[*]')) as mesh (item)
    union all
    select
        source.nct_id,
        source.content_hash,
        'ancestor' as relation,
        mesh.item
    from source,
        unnest(json_extract(source.module, '$.ancestors[*]')) as mesh (item)
)

select
    nct_id,
    content_hash,
    relation,
    item ->> 'id' as mesh_id,
    item ->> 'term' as mesh_term
from terms
{%- endmacro %}
