-- AACT's conditions, as the registrant entered them.
with conditions as (
    select * from {{ aact_from('trial_conditions') }}
)

select
    {{ aact_id('condition', 'nct_id', 'ordinal') }} as id,
    nct_id,
    condition_name as name,
    lower(condition_name) as downcase_name
from conditions
