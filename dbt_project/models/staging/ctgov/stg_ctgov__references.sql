-- protocolSection.referencesModule.references: the publications each study version
-- cites, in the registry's order, with the retractions the registry found for them.
with source as (
    {{ ctgov_module('references_module') }}
),

study_references as (
    select
        source.nct_id,
        source.content_hash,
        study_reference.ordinal,
        study_reference.item
    from source,
        unnest(json_extract(source.module, '$.references[*]'))
        with ordinality as study_reference (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item ->> 'pmid' as pmid,
    item ->> 'type' as reference_type,
    item ->> 'citation' as citation,
    coalesce(json_array_length(item -> 'retractions'), 0)::integer as retraction_count
from study_references
