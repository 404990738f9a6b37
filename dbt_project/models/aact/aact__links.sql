-- AACT's links: web pages the record points to.
with links as (
    select * from {{ aact_from('trial_links') }}
)

select
    {{ aact_id('link', 'nct_id', 'ordinal') }} as id,
    nct_id,
    url,
    label as description
from links
