-- AACT's ipd_information_types: what will be shared with the participants' data.
with oversight as (
    select * from {{ aact_from('trial_oversight') }}
),

shared as (
    select
        nct_id,
        unnest(ipd_info_types) as info_type
    from oversight
)

select
    {{ aact_id('ipd_information_type', 'nct_id', 'info_type') }} as id,
    nct_id,
    info_type as name
from shared
