-- Each intervention of each trial's current version.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

interventions as (
    select * from {{ ref('stg_ctgov__interventions') }}
)

select
    interventions.nct_id,
    interventions.ordinal,
    interventions.intervention_type,
    interventions.intervention_name as name,
    interventions.description,
    interventions.other_names
from interventions
semi join current_versions using (nct_id, content_hash)
