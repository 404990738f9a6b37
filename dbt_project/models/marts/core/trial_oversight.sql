-- Who oversees each trial (a data monitoring committee, the FDA) and whether its
-- participants' data will be shared (current version).
with oversight as (
    select * from {{ ref('stg_ctgov__oversight') }}
)

select
    nct_id,
    has_dmc,
    is_fda_regulated_drug,
    is_fda_regulated_device,
    is_unapproved_device,
    is_ppsd,
    is_us_export,
    fdaaa801_violation,
    plan_to_share_ipd,
    plan_to_share_ipd_description,
    ipd_info_types,
    ipd_time_frame,
    ipd_access_criteria,
    ipd_url
from oversight
semi join {{ current_version_keys() }} using (nct_id, content_hash)
