-- protocolSection.sponsorCollaboratorsModule: the lead sponsor (ordinal 0) and each
-- collaborator (ordinal 1..n), one row each per study version.
with source as (
    {{ ctgov_module('sponsor_collaborators_module') }}
),

lead_sponsors as (
    select
        nct_id,
        content_hash,
        0 as ordinal,
        'lead' as sponsor_role,
        module -> 'leadSponsor' as sponsor
    from source
    where (module -> 'leadSponsor') is not null
),

collaborators as (
    select
        source.nct_id,
        source.content_hash,
        collaborator.ordinal,
        'collaborator' as sponsor_role,
        collaborator.sponsor
    from source,
        unnest(json_extract(source.module, '$.collaborators[*]'))
        with ordinality as collaborator (sponsor, ordinal)
),

sponsors as (
    select * from lead_sponsors
    union all
    select * from collaborators
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    sponsor_role,
    sponsor ->> 'name' as sponsor_name,
    sponsor ->> 'class' as agency_class
from sponsors
