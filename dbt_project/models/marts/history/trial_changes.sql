-- One row per field-level change between consecutive versions of a trial: the old
-- and new values and a sentence a person can read. A change is dated by the registry
-- date of the version that made it; observed_on is the day the warehouse first saw
-- that version, and is_news whether it was news then (see int_trial_versions). A
-- change is known by its trial, its registry date, field and item, so versions filled
-- in before it leave its id as it was.
with versions as (
    select * from {{ ref('int_trial_versions') }}
    where {{ only_touched('nct_id') }}
),

facts as (
    select * from {{ ref('int_version_facts') }}
    where {{ only_touched('nct_id') }}
),

consecutive as (
    select
        nct_id,
        version_number,
        registry_date as changed_on,
        first_observed_on as observed_on,
        -- news only as it was when the version arrived: not what a correction of either
        -- side, or a version filled in before it, changed later
        is_news
        and content_loaded_at <= first_loaded_at
        and lag(content_loaded_at) over (partition by nct_id order by version_number)
        <= first_loaded_at as is_news,
        content_hash as new_hash,
        lag(content_hash) over (partition by nct_id order by version_number) as old_hash
    from versions
),

sides as (
    select
        consecutive.nct_id,
        consecutive.version_number,
        consecutive.changed_on,
        consecutive.observed_on,
        consecutive.is_news,
        facts.content_hash = consecutive.new_hash as is_new,
        facts.field,
        facts.kind,
        facts.item_key,
        facts.item_label,
        facts.value,
        facts.value_label
    from consecutive
    inner join facts
        on
            consecutive.nct_id = facts.nct_id
            and facts.content_hash in (consecutive.old_hash, consecutive.new_hash)
    where consecutive.old_hash is not null
),

compared as (
    select
        nct_id,
        version_number,
        changed_on,
        observed_on,
        is_news,
        field,
        kind,
        item_key,
        coalesce(
            max(item_label) filter (where is_new), max(item_label) filter (where not is_new)
        ) as item_label,
        bool_or(not is_new) as in_old,
        bool_or(is_new) as in_new,
        max(value) filter (where not is_new) as old_value,
        max(value) filter (where is_new) as new_value,
        max(value_label) filter (where not is_new) as old_label,
        max(value_label) filter (where is_new) as new_label
    from sides
    group by nct_id, version_number, changed_on, observed_on, is_news, field, kind, item_key
),

-- A member (site, condition, ...) changes when it is listed on one side only; a
-- value changes when it differs, for an item listed on both sides (a new site's
-- status is part of the site being added, not a change of its status).
changes as (
    select
        *,
        case
            when kind = 'member' and in_new then 'added'
            when kind = 'member' then 'removed'
            when old_value is null then 'set'
            when new_value is null then 'unset'
            when new_value = 'RECRUITING' then 'to_recruiting'
            when old_value = 'RECRUITING' then 'from_recruiting'
            else 'changed'
        end as situation
    from compared
    where
        (kind = 'member' and in_old != in_new)
        or (kind = 'value' and in_old and in_new and old_value is distinct from new_value)
),

templates as (
    select * from {{ ref('change_sentences') }}
),

described as (
    select
        changes.*,
        replace(
            replace(
                replace(
                    replace(
                        replace(
                            coalesce(exact.template, fallback.template),
                            '{item}', coalesce(changes.item_label, '')
                        ),
                        '{old_lower}', coalesce(lower(changes.old_label), 'none')
                    ),
                    '{new_lower}', coalesce(lower(changes.new_label), 'none')
                ),
                '{old}', coalesce(changes.old_label, 'none')
            ),
            '{new}', coalesce(changes.new_label, 'none')
        ) as sentence
    from changes
    left join templates as exact
        on changes.field = exact.field and changes.situation = exact.situation
    left join templates as fallback
        on changes.field = fallback.field and fallback.situation = 'changed'
)

select
    substr(md5(concat_ws('|', nct_id, changed_on, field, item_key)), 1, 16) as change_id,
    nct_id,
    version_number,
    changed_on,
    observed_on,
    is_news,
    case
        when field in ('overall_status', 'why_stopped') then 'status'
        when field in ('site', 'site_status') then 'sites'
        when field in ('enrollment_count', 'enrollment_type') then 'enrollment'
        when field like '%date%' and field != 'results_first_posted_date' then 'dates'
        when field in ('eligibility_criteria', 'sex', 'minimum_age', 'maximum_age', 'healthy_volunteers')
            then 'eligibility'
        when field in ('contact', 'contact_details') then 'contacts'
        when field in ('brief_title', 'official_title') then 'titles'
        when field = 'results_first_posted_date' then 'results'
        when field = 'condition' then 'conditions'
        when field = 'intervention' then 'interventions'
        else 'design'
    end as category,
    field,
    item_key,
    item_label as item,
    case when field in ('site', 'site_status') then item_key end as site_id,
    -- a contact's details are compared by hash and never shown
    case when field != 'contact_details' then old_value end as old_value,
    case when field != 'contact_details' then new_value end as new_value,
    sentence
from described
