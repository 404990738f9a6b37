-- Each retraction of a publication a trial cites (current version).
with retractions as (
    select * from {{ ref('stg_ctgov__retractions') }}
)

select
    nct_id,
    reference_ordinal,
    ordinal,
    reference_pmid,
    pmid,
    source
from retractions
semi join {{ current_version_keys() }} using (nct_id, content_hash)
