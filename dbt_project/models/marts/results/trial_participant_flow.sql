-- How many of each group started, reached each milestone and left (by reason), period
-- by period (current version).
with participant_flow as (
    select * from {{ ref('stg_ctgov__participant_flow') }}
)

select
    nct_id,
    period_ordinal,
    period_title,
    flow_kind,
    flow_ordinal,
    flow_type,
    flow_comment,
    ordinal,
    group_code,
    subjects_text,
    subjects,
    units,
    comment
from participant_flow
semi join {{ current_version_keys() }} using (nct_id, content_hash)
