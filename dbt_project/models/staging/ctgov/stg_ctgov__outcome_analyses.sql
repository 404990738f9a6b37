-- resultsSection.outcomeMeasuresModule: per study version, each statistical analysis of
-- each outcome measure, with the groups it compares.
with outcome_measures as (
    {{ ctgov_module_items('outcome_measures_module', '$.outcomeMeasures[*]') }}
),

analyses as (
    select
        outcome_measures.nct_id,
        outcome_measures.content_hash,
        outcome_measures.ordinal as outcome_ordinal,
        listed.ordinal::integer as ordinal,
        listed.item
    from outcome_measures, {{ json_items('outcome_measures.item', '$.analyses[*]', 'listed') }}
)

select
    nct_id,
    content_hash,
    outcome_ordinal,
    ordinal,
    coalesce(item ->> '$.groupIds[*]', []::varchar[]) as group_codes,
    item ->> 'groupDescription' as groups_description,
    (item ->> 'testedNonInferiority')::boolean as tested_non_inferiority,
    item ->> 'nonInferiorityType' as non_inferiority_type,
    item ->> 'nonInferiorityComment' as non_inferiority_description,
    item ->> 'pValue' as p_value_raw,
    -- "<0.001" and the like: the number, with its comparison kept in p_value_modifier
    try_cast(regexp_replace(item ->> 'pValue', '^\s*[<>=≤≥]+\s*', '') as double) as p_value,
    nullif(regexp_extract(item ->> 'pValue', '^\s*([<>=≤≥]+)', 1), '') as p_value_modifier,
    item ->> 'pValueComment' as p_value_description,
    item ->> 'statisticalMethod' as method,
    item ->> 'statisticalComment' as method_description,
    item ->> 'paramType' as param_type,
    try_cast(item ->> 'paramValue' as double) as param_value,
    item ->> 'dispersionType' as dispersion_type,
    try_cast(item ->> 'dispersionValue' as double) as dispersion_value,
    item ->> 'ciNumSides' as ci_n_sides,
    try_cast(item ->> 'ciPctValue' as double) as ci_percent,
    item ->> 'ciLowerLimit' as ci_lower_limit_raw,
    try_cast(item ->> 'ciLowerLimit' as double) as ci_lower_limit,
    item ->> 'ciUpperLimit' as ci_upper_limit_raw,
    try_cast(item ->> 'ciUpperLimit' as double) as ci_upper_limit,
    item ->> 'ciUpperLimitComment' as ci_upper_limit_na_comment,
    item ->> 'ciLowerLimitComment' as ci_lower_limit_na_comment,
    item ->> 'estimateComment' as estimate_description,
    item ->> 'otherAnalysisDescription' as other_analysis_description
from analyses
