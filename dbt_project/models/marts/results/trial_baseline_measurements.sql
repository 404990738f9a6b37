-- Each baseline value: measure by class, category and group (age, sex, ...), with the
-- measure's units and statistics (current version).
with baseline_measurements as (
    select * from {{ ref('stg_ctgov__baseline_measurements') }}
)

select
    nct_id,
    measure_ordinal,
    class_ordinal,
    category_ordinal,
    ordinal,
    title,
    description,
    population_description,
    param_type,
    dispersion_type,
    unit_of_measure,
    calculate_percentage,
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
    number_analyzed,
    number_analyzed_units
from baseline_measurements
semi join {{ current_version_keys() }} using (nct_id, content_hash)
