-- resultsSection.baselineCharacteristicsModule.measures: per study version, each
-- baseline measure's values by class, category and group (age, sex, ...), with the
-- measure's title, units and statistics.
with measures as (
    {{ ctgov_module_items('baseline_module', '$.measures[*]') }}
),

cells as (
    {{ measure_cells('measures') }}
)

select
    cells.nct_id,
    cells.content_hash,
    cells.measure_ordinal,
    cells.class_ordinal,
    cells.category_ordinal,
    cells.ordinal,
    measures.item ->> 'title' as title,
    measures.item ->> 'description' as description,
    measures.item ->> 'populationDescription' as population_description,
    measures.item ->> 'paramType' as param_type,
    measures.item ->> 'dispersionType' as dispersion_type,
    measures.item ->> 'unitOfMeasure' as unit_of_measure,
    (measures.item ->> 'calculatePct')::boolean as calculate_percentage,
    cells.class_title,
    cells.category_title,
    cells.group_code,
    cells.param_value,
    cells.param_value_num,
    cells.spread,
    cells.spread_num,
    cells.lower_limit,
    cells.lower_limit_num,
    cells.upper_limit,
    cells.upper_limit_num,
    cells.comment
from cells
inner join measures
    on
        cells.nct_id = measures.nct_id
        and cells.content_hash = measures.content_hash
        and cells.measure_ordinal = measures.ordinal
