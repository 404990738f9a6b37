-- AACT's detailed_descriptions.
with details as (
    select * from {{ aact_from('trial_details') }}
)

select
    {{ aact_id('detailed_description', 'nct_id') }} as id,
    nct_id,
    detailed_description as description
from details
where detailed_description is not null
