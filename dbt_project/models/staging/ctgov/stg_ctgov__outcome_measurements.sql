-- resultsSection.outcomeMeasuresModule: per study version, each outcome measure's
-- values by class, category and group.
with outcome_measures as (
    {{ ctgov_module_items('outcome_measures_module', '$.outcomeMeasures[*]') }}
),

cells as (
    {{ measure_cells('outcome_measures') }}
)

select * exclude (class_denom) rename (measure_ordinal as outcome_ordinal)
from cells
