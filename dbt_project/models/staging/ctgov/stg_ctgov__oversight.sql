-- protocolSection.oversightModule and ipdSharingStatementModule: per study version, who
-- oversees the trial (a data monitoring committee, the FDA) and whether the
-- individual participants' data will be shared.
with modules as (
    select * from {{ ref('stg_ctgov__study_modules') }}
)

select
    nct_id,
    content_hash,
    (oversight_module ->> 'oversightHasDmc')::boolean as has_dmc,
    (oversight_module ->> 'isFdaRegulatedDrug')::boolean as is_fda_regulated_drug,
    (oversight_module ->> 'isFdaRegulatedDevice')::boolean as is_fda_regulated_device,
    (oversight_module ->> 'isUnapprovedDevice')::boolean as is_unapproved_device,
    (oversight_module ->> 'isPpsd')::boolean as is_ppsd,
    (oversight_module ->> 'isUsExport')::boolean as is_us_export,
    (oversight_module ->> 'fdaaa801Violation')::boolean as fdaaa801_violation,
    ipd_sharing_module ->> 'ipdSharing' as plan_to_share_ipd,
    ipd_sharing_module ->> 'description' as plan_to_share_ipd_description,
    coalesce(ipd_sharing_module ->> '$.infoTypes[*]', []::varchar[]) as ipd_info_types,
    ipd_sharing_module ->> 'timeFrame' as ipd_time_frame,
    ipd_sharing_module ->> 'accessCriteria' as ipd_access_criteria,
    ipd_sharing_module ->> 'url' as ipd_url
from modules
where oversight_module is not null or ipd_sharing_module is not null
