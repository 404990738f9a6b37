-- The locations of each study's current version, each given the site it is.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
)

select version_sites.*
from {{ ref('int_version_sites') }} as version_sites
semi join current_versions using (nct_id, content_hash)
