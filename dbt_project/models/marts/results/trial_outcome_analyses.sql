-- Each statistical analysis of an outcome measure, with the groups it compares (current
-- version).
with outcome_analyses as (
    select * from {{ ref('stg_ctgov__outcome_analyses') }}
)

select
    nct_id,
    outcome_ordinal,
    ordinal,
    group_codes,
    groups_description,
    tested_non_inferiority,
    non_inferiority_type,
    non_inferiority_description,
    p_value_raw,
    p_value,
    p_value_modifier,
    p_value_description,
    method,
    method_description,
    param_type,
    param_value,
    dispersion_type,
    dispersion_value,
    ci_n_sides,
    ci_percent,
    ci_lower_limit_raw,
    ci_lower_limit,
    ci_upper_limit_raw,
    ci_upper_limit,
    ci_upper_limit_na_comment,
    ci_lower_limit_na_comment,
    estimate_description,
    other_analysis_description
from outcome_analyses
semi join {{ current_version_keys() }} using (nct_id, content_hash)
