-- protocolSection.referencesModule.references: the publications each study version
-- cites, in the registry's order, with the retractions the registry found for them.
with study_references as (
    {{ ctgov_module_items('references_module', '$.references[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'pmid' as pmid,
    item ->> 'type' as reference_type,
    item ->> 'citation' as citation,
    coalesce(json_array_length(item -> 'retractions'), 0)::integer as retraction_count
from study_references
