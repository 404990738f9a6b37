-- AACT's documents: the participant data and documents a trial says are available.
with available_documents as (
    select * from {{ aact_from('trial_available_documents') }}
)

select
    {{ aact_id('document', 'nct_id', 'ordinal') }} as id,
    nct_id,
    document_id,
    document_type,
    url,
    comment
from available_documents
