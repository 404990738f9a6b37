-- What each study version says about everything a change is reported on, one row
-- per (field, item), so two versions compare by joining on them:
-- - a 'value' field (overall status, enrollment, a date, a site's status, ...) has
--   one row per version or per item, whose value may be null;
-- - a 'member' field (a site, a condition, an intervention, a contact) has one row
--   per member listed, so a member added or removed is a row on one side only.
-- value is the registry's value (at its own precision), value_label the same for
-- a reader. item_key is '' for a field of the study itself.
{%- set study_fields = [
    ('status', 'overall_status', 'overall_status', enum_label('overall_status')),
    ('status', 'why_stopped', 'why_stopped', 'why_stopped'),
    ('status', 'start_date', partial_date_text('start_date', 'start_date_precision'), partial_date_label('start_date', 'start_date_precision')),
    ('status', 'start_date_type', 'start_date_type', enum_label('start_date_type')),
    ('status', 'primary_completion_date', partial_date_text('primary_completion_date', 'primary_completion_date_precision'), partial_date_label('primary_completion_date', 'primary_completion_date_precision')),
    ('status', 'primary_completion_date_type', 'primary_completion_date_type', enum_label('primary_completion_date_type')),
    ('status', 'completion_date', partial_date_text('completion_date', 'completion_date_precision'), partial_date_label('completion_date', 'completion_date_precision')),
    ('status', 'completion_date_type', 'completion_date_type', enum_label('completion_date_type')),
    ('status', 'results_first_posted_date', 'results_first_posted_date', "strftime(results_first_posted_date, '%b %-d, %Y')"),
    ('design', 'enrollment_count', 'enrollment_count', "enrollment_count || ' participants'"),
    ('design', 'enrollment_type', 'enrollment_type', enum_label('enrollment_type')),
    ('design', 'phases', 'phase_codes', phases_label('phases')),
    ('identification', 'brief_title', 'brief_title', 'brief_title'),
    ('identification', 'official_title', 'official_title', 'official_title'),
    ('eligibility', 'eligibility_criteria', 'eligibility_criteria', 'eligibility_criteria'),
    ('eligibility', 'sex', 'sex', enum_label('sex')),
    ('eligibility', 'minimum_age', 'minimum_age', 'minimum_age'),
    ('eligibility', 'maximum_age', 'maximum_age', 'maximum_age'),
    ('eligibility', 'healthy_volunteers', 'healthy_volunteers', "case when healthy_volunteers then 'Yes' when not healthy_volunteers then 'No' end"),
] %}

{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['nct_id', 'content_hash']) }}

with status as (
    select * from {{ ref('stg_ctgov__status') }}
    where {{ only_new_versions() }}
),

identification as (
    select * from {{ ref('stg_ctgov__identification') }}
    where {{ only_new_versions() }}
),

eligibility as (
    select * from {{ ref('stg_ctgov__eligibility') }}
    where {{ only_new_versions() }}
),

design as (
    select
        *,
        nullif(array_to_string(phases, ', '), '') as phase_codes
    from {{ ref('stg_ctgov__design') }}
    where {{ only_new_versions() }}
),

study_facts as (
    {%- for cte, field, value, label in study_fields %}
        select
            nct_id,
            content_hash,
            '{{ field }}' as field,
            'value' as kind,
            '' as item_key,
            null as item_label,
            ({{ value }})::varchar as value,
            ({{ label }})::varchar as value_label
        from {{ cte }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- A site listed twice in one version (two zip codes, say) counts once, as first listed.
version_sites as (
    select
        *,
        {{ place_label('city', 'state', 'country') }} as place
    from {{ ref('int_version_sites') }}
    where {{ only_new_versions() }}
    qualify row_number() over (partition by nct_id, content_hash, site_id order by ordinal) = 1
),

-- A site is named by its place, and by its facility too where the version lists
-- more than one site in that place.
named_sites as (
    select
        *,
        case
            when count(*) over (partition by nct_id, content_hash, place) > 1 or place is null
                then concat_ws(', ', facility, place)
            else place
        end as site_label
    from version_sites
),

site_facts as (
    select
        nct_id,
        content_hash,
        'site' as field,
        'member' as kind,
        site_id as item_key,
        site_label as item_label,
        facility as value,
        facility as value_label
    from named_sites
    union all
    select
        nct_id,
        content_hash,
        'site_status' as field,
        'value' as kind,
        site_id as item_key,
        site_label as item_label,
        site_status as value,
        {{ enum_label('site_status') }} as value_label
    from named_sites
),

-- The conditions, interventions and central contacts of each version, each member
-- once (as first listed). Central contacts only: they are who a patient is told to
-- call. Their phone and email are compared through a hash, so no change row can
-- carry them.
listed_members as (
    select
        nct_id,
        content_hash,
        ordinal,
        'condition' as field,
        {{ normalize_name('condition_name') }} as item_key,
        condition_name as item_label,
        condition_name as value,
        condition_name as value_label,
        null as details_hash
    from {{ ref('stg_ctgov__conditions') }}
    where {{ only_new_versions() }}
    union all
    select
        nct_id,
        content_hash,
        ordinal,
        'intervention' as field,
        concat_ws('|', intervention_type, {{ normalize_name('intervention_name') }}) as item_key,
        intervention_name as item_label,
        intervention_type as value,
        {{ enum_label('intervention_type') }} as value_label,
        null as details_hash
    from {{ ref('stg_ctgov__interventions') }}
    where {{ only_new_versions() }} and {{ normalize_name('intervention_name') }} is not null
    union all
    select
        nct_id,
        content_hash,
        ordinal,
        'contact' as field,
        -- a key, not the name: contacts are people, and keys are published
        substr(md5(coalesce({{ normalize_name('contact_name') }}, 'contact ' || ordinal)), 1, 16) as item_key,
        coalesce(contact_name, 'A contact') as item_label,
        contact_role as value,
        {{ enum_label('contact_role') }} as value_label,
        md5(concat_ws('|', phone, phone_ext, email)) as details_hash
    from {{ ref('stg_ctgov__contacts') }}
    where {{ only_new_versions() }} and location_ordinal is null
),

members as (
    select * from listed_members
    where item_key is not null
    qualify row_number() over (partition by nct_id, content_hash, field, item_key order by ordinal) = 1
),

listed_facts as (
    select
        nct_id,
        content_hash,
        field,
        'member' as kind,
        item_key,
        item_label,
        value,
        value_label
    from members
    union all
    select
        nct_id,
        content_hash,
        'contact_details' as field,
        'value' as kind,
        item_key,
        item_label,
        details_hash as value,
        null as value_label
    from members
    where field = 'contact'
)

select * from study_facts
union all
select * from site_facts
union all
select * from listed_facts
