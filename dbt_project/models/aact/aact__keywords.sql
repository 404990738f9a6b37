-- AACT's keywords.
with keywords as (
    select * from {{ aact_from('trial_keywords') }}
)

select
    {{ aact_id('keyword', 'nct_id', 'ordinal') }} as id,
    nct_id,
    keyword as name,
    lower(keyword) as downcase_name
from keywords
