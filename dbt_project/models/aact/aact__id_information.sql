-- AACT's id_information: each trial's other ids: the sponsor's own, the registry's
-- secondary ids and the NCT ids merged into it.
with details as (
    select * from {{ aact_from('trial_details') }}
),

secondary_ids as (
    select * from {{ aact_from('trial_secondary_ids') }}
),

ids as (
    select
        nct_id,
        'org_study_id' as id_source,
        0 as ordinal,
        org_study_id as id_value,
        org_study_id_type as id_type,
        null::varchar as id_type_description,
        org_study_id_link as id_link
    from details
    where org_study_id is not null
    union all
    select
        nct_id,
        'secondary_id' as id_source,
        ordinal,
        secondary_id as id_value,
        id_type,
        id_domain as id_type_description,
        id_link
    from secondary_ids
    union all
    select
        nct_id,
        'nct_alias' as id_source,
        generate_subscripts(nct_id_aliases, 1) as ordinal,
        unnest(nct_id_aliases) as id_value,
        null::varchar as id_type,
        null::varchar as id_type_description,
        null::varchar as id_link
    from details
)

select
    {{ aact_id('id_information', 'nct_id', 'id_source', 'ordinal') }} as id,
    nct_id,
    id_source,
    id_value,
    id_type,
    id_type_description,
    id_link
from ids
