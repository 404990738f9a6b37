-- AACT's responsible_parties (a person's name: analysts only).
with responsible_parties as (
    select * from {{ aact_from('trial_responsible_parties') }}
)

select
    {{ aact_id('responsible_party', 'nct_id') }} as id,
    nct_id,
    responsible_party_type,
    investigator_name as name,
    investigator_title as title,
    old_organization as organization,
    investigator_affiliation as affiliation,
    old_name_title
from responsible_parties
