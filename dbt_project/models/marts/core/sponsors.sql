-- The lead sponsor (ordinal 0) and collaborators of each trial's current version.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

sponsors as (
    select * from {{ ref('stg_ctgov__sponsors') }}
)

select
    sponsors.nct_id,
    sponsors.ordinal,
    sponsors.sponsor_name as name,
    sponsors.agency_class,
    sponsors.sponsor_role as role
from sponsors
semi join current_versions using (nct_id, content_hash)
