-- protocolSection.referencesModule.availIpds: per study version, the participant data
-- and documents the record says are available, and where.
with available_ipds as (
    {{ ctgov_module_items('references_module', '$.availIpds[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'id' as document_id,
    item ->> 'type' as document_type,
    item ->> 'url' as url,
    item ->> 'comment' as comment
from available_ipds
