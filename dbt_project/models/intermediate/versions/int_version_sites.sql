-- Every location of every study version, each given the site it is.
-- A named facility is one site across trials when its normalized name, city,
-- state and country agree (zip codes and coordinates vary between listings of
-- the same place). A location without a facility name cannot be matched across
-- trials, so it is a site of its own trial only.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['nct_id', 'content_hash']) }}

with locations as (
    select * from {{ ref('stg_ctgov__locations') }}
    where {{ only_new_versions() }}
),

keyed as (
    select
        *,
        case
            when {{ normalize_name('facility') }} is not null
                then concat_ws(
                    '|',
                    'facility',
                    {{ normalize_name('facility') }},
                    coalesce({{ normalize_name('city') }}, ''),
                    coalesce({{ normalize_name('state') }}, ''),
                    coalesce({{ normalize_name('country') }}, '')
                )
            else concat_ws(
                '|',
                'unnamed',
                nct_id,
                coalesce({{ normalize_name('city') }}, ''),
                coalesce({{ normalize_name('state') }}, ''),
                coalesce({{ normalize_name('zip') }}, ''),
                coalesce({{ normalize_name('country') }}, '')
            )
        end as site_key
    from locations
)

select
    nct_id,
    content_hash,
    ordinal,
    substr(md5(site_key), 1, 16) as site_id,
    facility,
    site_status,
    city,
    state,
    zip,
    country,
    latitude,
    longitude
from keyed
