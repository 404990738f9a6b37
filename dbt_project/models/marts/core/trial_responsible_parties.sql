-- Who answers for each trial's registration: the sponsor, or an investigator named
-- here.
with responsible_parties as (
    select * from {{ ref('stg_ctgov__responsible_parties') }}
)

select * exclude (content_hash)
from responsible_parties
semi join {{ current_version_keys() }} using (nct_id, content_hash)
