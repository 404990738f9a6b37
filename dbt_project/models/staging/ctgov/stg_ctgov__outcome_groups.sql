-- resultsSection.outcomeMeasuresModule: per study version, the groups (OG…) each
-- outcome measure compares.
with outcome_measures as (
    {{ ctgov_module_items('outcome_measures_module', '$.outcomeMeasures[*]') }}
)

select
    outcome_measures.nct_id,
    outcome_measures.content_hash,
    outcome_measures.ordinal as outcome_ordinal,
    listed.ordinal::integer as ordinal,
    listed.item ->> 'id' as group_code,
    listed.item ->> 'title' as title,
    listed.item ->> 'description' as description
from outcome_measures, {{ json_items('outcome_measures.item', '$.groups[*]', 'listed') }}
