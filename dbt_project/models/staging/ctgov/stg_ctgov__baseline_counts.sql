-- resultsSection.baselineCharacteristicsModule.denoms: per study version, how many
-- participants (or other units) each baseline group counted.
with baselines as (
    select
        nct_id,
        content_hash,
        module as item
    from ({{ ctgov_module('baseline_module') }})
),

counts as (
    {{ denom_counts('baselines', []) }}
)

select * from counts
