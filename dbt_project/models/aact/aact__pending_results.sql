-- AACT's pending_results: what happened to results submitted but not yet posted.
with unposted_events as (
    select * from {{ aact_from('trial_unposted_events') }}
)

select
    {{ aact_id('pending_result', 'nct_id', 'ordinal') }} as id,
    nct_id,
    event_type as event,
    case when date_unknown then 'Unknown' else event_date::varchar end as event_date_description,
    event_date
from unposted_events
