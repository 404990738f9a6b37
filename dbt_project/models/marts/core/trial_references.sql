-- Each publication a trial cites, as its current version lists them.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

study_references as (
    select * from {{ ref('stg_ctgov__references') }}
)

select
    study_references.nct_id,
    study_references.ordinal,
    study_references.pmid,
    study_references.reference_type,
    study_references.citation,
    study_references.retraction_count
from study_references
semi join current_versions using (nct_id, content_hash)
