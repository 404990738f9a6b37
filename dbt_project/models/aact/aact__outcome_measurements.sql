-- AACT's outcome_measurements: each outcome value by measure, class, category and group,
-- with its measure's title, units and statistics.
with measurements as (
    select * from {{ aact_from('trial_outcome_measurements') }}
),

outcome_measures as (
    select * from {{ aact_from('trial_outcome_measures') }}
)

select
    {{ aact_id(
        'outcome_measurement', 'measurements.nct_id', 'outcome_ordinal', 'class_ordinal', 'category_ordinal', 'measurements.ordinal'
    ) }} as id,
    measurements.nct_id,
    {{ aact_id('outcome', 'measurements.nct_id', 'outcome_ordinal') }} as outcome_id,
    {{ aact_id('outcome_group', 'measurements.nct_id', 'outcome_ordinal', 'group_code') }} as result_group_id,
    measurements.group_code as ctgov_group_code,
    measurements.class_title as classification,
    measurements.category_title as category,
    outcome_measures.title,
    outcome_measures.description,
    outcome_measures.unit_of_measure as units,
    outcome_measures.param_type,
    measurements.param_value,
    measurements.param_value_num,
    outcome_measures.dispersion_type,
    measurements.spread as dispersion_value,
    measurements.spread_num as dispersion_value_num,
    measurements.lower_limit_num as dispersion_lower_limit,
    measurements.upper_limit_num as dispersion_upper_limit,
    measurements.comment as explanation_of_na,
    measurements.upper_limit as dispersion_upper_limit_raw,
    measurements.lower_limit as dispersion_lower_limit_raw
from measurements
inner join outcome_measures
    on
        measurements.nct_id = outcome_measures.nct_id
        and measurements.outcome_ordinal = outcome_measures.ordinal
