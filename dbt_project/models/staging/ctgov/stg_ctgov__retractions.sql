-- protocolSection.referencesModule.references[*].retractions: per study version, the
-- retractions the registry found of each publication cited.
with study_references as (
    {{ ctgov_module_items('references_module', '$.references[*]') }}
)

select
    study_references.nct_id,
    study_references.content_hash,
    study_references.ordinal as reference_ordinal,
    retractions.ordinal::integer as ordinal,
    study_references.item ->> 'pmid' as reference_pmid,
    retractions.item ->> 'pmid' as pmid,
    retractions.item ->> 'source' as source
from study_references, {{ json_items('study_references.item', '$.retractions[*]', 'retractions') }}
