-- Each other id of a trial (grants, other registries, the sponsor's), as its current version lists them.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

secondary_ids as (
    select * from {{ ref('stg_ctgov__secondary_ids') }}
)

select
    secondary_ids.nct_id,
    secondary_ids.ordinal,
    secondary_ids.secondary_id,
    secondary_ids.id_type,
    secondary_ids.id_domain,
    secondary_ids.id_link
from secondary_ids
semi join current_versions using (nct_id, content_hash)
