-- AACT's brief_summaries.
with trials as (
    select * from {{ aact_from('trials') }}
)

select
    {{ aact_id('brief_summary', 'nct_id') }} as id,
    nct_id,
    brief_summary as description
from trials
where brief_summary is not null
