-- The documents posted with each trial's record: protocol, statistical analysis plan,
-- consent form (current version).
with documents as (
    select * from {{ ref('stg_ctgov__documents') }}
)

select
    nct_id,
    ordinal,
    document_type,
    label,
    has_protocol,
    has_sap,
    has_icf,
    document_date,
    uploaded_at,
    filename,
    size_bytes
from documents
semi join {{ current_version_keys() }} using (nct_id, content_hash)
