-- AACT's outcome_analyses: each statistical analysis of an outcome measure.
with analyses as (
    select * from {{ aact_from('trial_outcome_analyses') }}
)

select
    {{ aact_id('outcome_analysis', 'nct_id', 'outcome_ordinal', 'ordinal') }} as id,
    nct_id,
    {{ aact_id('outcome', 'nct_id', 'outcome_ordinal') }} as outcome_id,
    non_inferiority_type,
    non_inferiority_description,
    param_type,
    param_value,
    dispersion_type,
    dispersion_value,
    p_value_modifier,
    p_value,
    ci_n_sides,
    ci_percent,
    ci_lower_limit,
    ci_upper_limit,
    ci_upper_limit_na_comment,
    p_value_description,
    method,
    method_description,
    estimate_description,
    groups_description,
    other_analysis_description,
    ci_upper_limit_raw,
    ci_lower_limit_raw,
    p_value_raw
from analyses
