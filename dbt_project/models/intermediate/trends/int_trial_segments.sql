-- The segments trend marts count each trial in, by its current description: every
-- trial in 'all'; its MeSH conditions and their ancestors (by MeSH id: a term's name
-- is a shared dimension's, resolved in int_labelled_trial_segments, so that a renamed
-- term moves no trial's rows); its phase; its lead sponsor's class; each country, and
-- each US state, where it lists a site. Recomputed for the trials a build touches.
{{ config(materialized='incremental', incremental_strategy='touched', unique_key='nct_id') }}

with trials as (
    select * from {{ ref('trials') }}
    where {{ only_touched('nct_id') }}
),

conditions as (
    select
        nct_id,
        mesh_id
    from {{ ref('trial_condition_terms') }}
    where {{ only_touched('nct_id') }}
),

sites as (
    select * from {{ ref('trial_sites') }}
    where {{ only_touched('nct_id') }}
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
        mesh_id as segment
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
