-- AACT's reported_event_totals: each adverse events group's deaths, serious and other
-- events in total. AACT's created_at and updated_at are when trialwatch first saw the
-- trial and when it last saw it change.
with event_groups as (
    select * from {{ aact_from('trial_result_groups') }}
    where result_type = 'adverse_events'
),

trials as (
    select * from {{ aact_from('trials') }}
),

totals as (
    select
        nct_id,
        group_code,
        'deaths' as event_type,
        'Total, all-cause mortality' as classification,
        deaths_affected as subjects_affected,
        deaths_at_risk as subjects_at_risk
    from event_groups
    union all
    select
        nct_id,
        group_code,
        'serious' as event_type,
        'Total, serious adverse events' as classification,
        serious_affected as subjects_affected,
        serious_at_risk as subjects_at_risk
    from event_groups
    union all
    select
        nct_id,
        group_code,
        'other' as event_type,
        'Total, other adverse events' as classification,
        other_affected as subjects_affected,
        other_at_risk as subjects_at_risk
    from event_groups
)

select
    {{ aact_id('reported_event_total', 'totals.nct_id', 'group_code', 'event_type') }} as id,
    totals.nct_id,
    totals.group_code as ctgov_group_code,
    totals.event_type,
    totals.classification,
    totals.subjects_affected,
    totals.subjects_at_risk,
    trials.first_seen::timestamp as created_at,
    trials.last_changed::timestamp as updated_at
from totals
inner join trials on totals.nct_id = trials.nct_id
where totals.subjects_affected is not null or totals.subjects_at_risk is not null
