-- resultsSection.outcomeMeasuresModule: per study version, how many participants (or
-- other units) each group of each outcome measure analyzed.
with outcome_measures as (
    select
        nct_id,
        content_hash,
        ordinal as outcome_ordinal,
        item
    from ({{ ctgov_module_items('outcome_measures_module', '$.outcomeMeasures[*]') }})
),

counts as (
    {{ denom_counts('outcome_measures', ['outcome_ordinal']) }}
)

select * from counts
