-- Each web page a trial points to, as its current version lists them.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

links as (
    select * from {{ ref('stg_ctgov__links') }}
)

select
    links.nct_id,
    links.ordinal,
    links.url,
    links.label
from links
semi join current_versions using (nct_id, content_hash)
