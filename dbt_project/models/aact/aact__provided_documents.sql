-- AACT's provided_documents: the documents posted with the record, with their address
-- at the registry.
with documents as (
    select * from {{ aact_from('trial_documents') }}
)

select
    {{ aact_id('provided_document', 'nct_id', 'ordinal') }} as id,
    nct_id,
    label as document_type,
    has_protocol,
    has_icf,
    has_sap,
    document_date,
    'https://ClinicalTrials.gov/ProvidedDocs/' || right(nct_id, 2) || '/' || nct_id || '/' || filename as url
from documents
