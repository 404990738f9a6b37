-- Where recruiting_activity must be recomputed for the ledger's uncounted changes: per
-- segment and period ('day', 'week'), the first period a changed event falls in
-- (window_start). Its replace_windows strategy deletes the rows from there on.
{{ config(materialized='table') }}

with changed as (
    select
        dimension,
        segment,
        min(day) as first_day
    from {{ ledger_changes(
        ref('int_recruiting_events'),
        ['nct_id', 'level', 'dimension', 'segment', 'day', 'starts', 'ends'],
    ) }}
    group by dimension, segment
)

select
    dimension,
    segment,
    'day' as period,
    first_day as window_start
from changed

union all

select
    dimension,
    segment,
    'week' as period,
    date_trunc('week', first_day)::date as window_start
from changed
