-- The segments trial_activity_by_year must recompute for the ledger's uncounted
-- changes: every segment a changed trial counts in, or counted in, whole (a median is
-- not updated by difference). window_start 0: every year of the segment.
{{ config(materialized='table') }}

select distinct
    dimension,
    segment,
    0 as window_start
from {{ ledger_changes(ref('int_trial_years'), [
    'nct_id', 'dimension', 'segment', 'first_posted_year', 'start_year', 'started_year',
    'completed_year', 'underway_until_year', 'enrollment_count',
]) }}
