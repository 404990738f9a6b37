-- AACT's baseline_measurements: each baseline value by measure, class, category and group.
with measurements as (
    select * from {{ aact_from('trial_baseline_measurements') }}
),

results as (
    select * from {{ aact_from('trial_results') }}
)

select
    {{ aact_id(
        'baseline_measurement', 'measurements.nct_id', 'measure_ordinal', 'class_ordinal', 'category_ordinal', 'ordinal'
    ) }} as id,
    measurements.nct_id,
    {{ aact_id('result_group', 'measurements.nct_id', "'baseline'", 'group_code') }} as result_group_id,
    measurements.group_code as ctgov_group_code,
    measurements.class_title as classification,
    measurements.category_title as category,
    measurements.title,
    measurements.description,
    measurements.unit_of_measure as units,
    measurements.param_type,
    measurements.param_value,
    measurements.param_value_num,
    measurements.dispersion_type,
    measurements.spread as dispersion_value,
    measurements.spread_num as dispersion_value_num,
    measurements.lower_limit_num as dispersion_lower_limit,
    measurements.upper_limit_num as dispersion_upper_limit,
    measurements.comment as explanation_of_na,
    measurements.number_analyzed,
    measurements.number_analyzed_units,
    coalesce(measurements.population_description, results.baseline_population) as population_description,
    case
        when measurements.calculate_percentage then 'Yes'
        when not measurements.calculate_percentage then 'No'
    end as calculate_percentage
from measurements
left join results on measurements.nct_id = results.nct_id
