-- Each person responsible for a trial, as its current version lists them. Their names
-- are analysts' alone: the privacy scrubber masks them in everything published.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

officials as (
    select * from {{ ref('stg_ctgov__officials') }}
)

select
    officials.nct_id,
    officials.ordinal,
    officials.official_name as name,
    officials.affiliation,
    officials.official_role as role
from officials
semi join current_versions using (nct_id, content_hash)
