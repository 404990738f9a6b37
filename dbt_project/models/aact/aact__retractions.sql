-- AACT's retractions: each retraction of a publication a trial cites.
with retractions as (
    select * from {{ aact_from('trial_reference_retractions') }}
)

select
    {{ aact_id('retraction', 'nct_id', 'reference_ordinal', 'ordinal') }} as id,
    {{ aact_id('study_reference', 'nct_id', 'reference_ordinal') }} as reference_id,
    pmid,
    source,
    nct_id
from retractions
