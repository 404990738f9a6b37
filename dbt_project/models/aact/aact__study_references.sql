-- AACT's study_references: the publications the record cites.
with study_references as (
    select * from {{ aact_from('trial_references') }}
)

select
    {{ aact_id('study_reference', 'nct_id', 'ordinal') }} as id,
    nct_id,
    pmid,
    reference_type,
    citation
from study_references
