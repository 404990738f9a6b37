-- The segments trend marts count each trial in, by its current description: every
-- trial in 'all'; its MeSH conditions and their ancestors; its phase; its lead
-- sponsor's class; each country, and each US state, where it lists a site.
with trials as (
    select * from {{ ref('trials') }}
),

conditions as (
    select
        terms.nct_id,
        conditions.mesh_term
    from {{ ref('trial_condition_terms') }} as terms
    inner join {{ ref('conditions') }} as conditions using (mesh_id)
),

sites as (
    select * from {{ ref('trial_sites') }}
),

segments as (
    select
        nct_id,
        'all' as dimension,
        'All trials' as segment
    from trials

    union all

    select
        nct_id,
        'condition' as dimension,
        mesh_term as segment
    from conditions

    union all

    select
        nct_id,
        'phase' as dimension,
        coalesce(phase, 'No phase given') as segment
    from trials

    union all

    select
        nct_id,
        'sponsor_class' as dimension,
        coalesce(lead_sponsor_class, 'Not given') as segment
    from trials

    union all

    select
        nct_id,
        'country' as dimension,
        country as segment
    from sites
    where country is not null

    union all

    select
        nct_id,
        'us_state' as dimension,
        state as segment
    from sites
    where country = 'United States' and state is not null
)

select distinct
    nct_id,
    dimension,
    segment
from segments
