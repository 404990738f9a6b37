-- documentSection.largeDocumentModule.largeDocs: per study version, the documents
-- posted with the record (protocol, statistical analysis plan, consent form).
with documents as (
    {{ ctgov_module_items('large_document_module', '$.largeDocs[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'typeAbbrev' as document_type,
    item ->> 'label' as label,
    (item ->> 'hasProtocol')::boolean as has_protocol,
    (item ->> 'hasSap')::boolean as has_sap,
    (item ->> 'hasIcf')::boolean as has_icf,
    {{ partial_date("item ->> 'date'") }} as document_date,
    try_cast(item ->> 'uploadDate' as timestamp) as uploaded_at,
    item ->> 'filename' as filename,
    try_cast(item ->> 'size' as bigint) as size_bytes
from documents
