-- resultsSection.outcomeMeasuresModule: per study version, each outcome measure's
-- values by class, category and group.
with outcome_measures as (
    {{ ctgov_module_items('outcome_measures_module', '$.outcomeMeasures[*]') }}
),

cells as (
    {{ measure_cells('outcome_measures') }}
)

select
    nct_id,
    content_hash,
    measure_ordinal as outcome_ordinal,
    class_ordinal,
    category_ordinal,
    ordinal,
    class_title,
    category_title,
    group_code,
    param_value,
    param_value_num,
    spread,
    spread_num,
    lower_limit,
    lower_limit_num,
    upper_limit,
    upper_limit_num,
    comment
from cells
