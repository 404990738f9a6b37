{#- Table macros in the warehouse for what a table cannot hold: the status of every
    trial on any day, and the transitions between any two days. Created after
    recruiting_status is built (DuckDB binds a macro's tables when it is created),
    so they are in the published file for analysts, notebooks and the report.
      select * from trial_status_on(date '2026-06-24');
      select * from status_transitions(date '2026-06-24', date '2026-06-27');
    A trial without a status on the day is NOT_YET_SEEN before the warehouse first
    saw it, NOT_LISTED after (removed from the registry, or no status given). -#}
{% macro create_status_macros(relation) %}
    create or replace macro {{ relation.schema }}.trial_status_on(day) as table
    with trial_runs as (
        select nct_id, status, valid_from, valid_to
        from {{ relation.schema }}.{{ relation.identifier }}
        where level = 'trial'
    ),

    trials_seen as (
        select nct_id, min(valid_from) as first_seen
        from trial_runs
        group by nct_id
    )

    select
        trials_seen.nct_id,
        coalesce(
            covering.status,
            case when trials_seen.first_seen > day then 'NOT_YET_SEEN' else 'NOT_LISTED' end
        ) as status
    from trials_seen
    left join trial_runs as covering
        on
            trials_seen.nct_id = covering.nct_id
            and covering.valid_from <= day
            and (covering.valid_to > day or covering.valid_to is null);

    create or replace macro {{ relation.schema }}.status_transitions(from_day, to_day) as table
    select
        before.status as from_status,
        after.status as to_status,
        count(*) as trials
    from {{ relation.schema }}.trial_status_on(from_day) as before
    inner join {{ relation.schema }}.trial_status_on(to_day) as after using (nct_id)
    group by before.status, after.status
    order by trials desc, from_status, to_status
{% endmacro %}
