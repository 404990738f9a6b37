-- Each outcome value: measure by class, category and group (current version).
with outcome_measurements as (
    select * from {{ ref('stg_ctgov__outcome_measurements') }}
)

select
    nct_id,
    outcome_ordinal,
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
from outcome_measurements
semi join {{ current_version_keys() }} using (nct_id, content_hash)
