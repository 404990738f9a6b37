-- Each country a trial no longer lists a site in (current version).
with removed_countries as (
    select * from {{ ref('stg_ctgov__removed_countries') }}
)

select * exclude (content_hash)
from removed_countries
semi join {{ current_version_keys() }} using (nct_id, content_hash)
