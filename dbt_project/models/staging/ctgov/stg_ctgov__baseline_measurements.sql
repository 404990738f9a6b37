-- resultsSection.baselineCharacteristicsModule.measures: per study version, each
-- baseline measure's values by class, category and group (age, sex, ...), with the
-- measure's title, units and statistics, and how many each value counts.
with measures as (
    {{ ctgov_module_items('baseline_module', '$.measures[*]') }}
),

cells as (
    {{ measure_cells('measures') }}
),

measured as (
    select
        cells.*,
        measures.item as measure,
        -- the participants analyzed: the class's count, or else the measure's
        coalesce(cells.class_denom, measures.item -> '$.denoms[0]') as denom
    from cells
    inner join measures
        on
            cells.nct_id = measures.nct_id
            and cells.content_hash = measures.content_hash
            and cells.measure_ordinal = measures.ordinal
)

select
    nct_id,
    content_hash,
    measure_ordinal,
    class_ordinal,
    category_ordinal,
    ordinal,
    measure ->> 'title' as title,
    measure ->> 'description' as description,
    measure ->> 'populationDescription' as population_description,
    measure ->> 'paramType' as param_type,
    measure ->> 'dispersionType' as dispersion_type,
    measure ->> 'unitOfMeasure' as unit_of_measure,
    (measure ->> 'calculatePct')::boolean as calculate_percentage,
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
    comment,
    try_cast(
        list_filter(json_extract(denom, '$.counts[*]'), count -> (count ->> 'groupId') = group_code)[1]
        ->> 'value' as integer
    ) as number_analyzed,
    denom ->> 'units' as number_analyzed_units
from measured
