-- protocolSection.sponsorCollaboratorsModule.responsibleParty: per study version, who
-- answers for the registration (the sponsor, or an investigator named here). A
-- person's name: analysts only, like the contacts.
with source as (
    {{ ctgov_module('sponsor_collaborators_module') }}
)

select
    nct_id,
    content_hash,
    module ->> '$.responsibleParty.type' as responsible_party_type,
    module ->> '$.responsibleParty.investigatorFullName' as investigator_name,
    module ->> '$.responsibleParty.investigatorTitle' as investigator_title,
    module ->> '$.responsibleParty.investigatorAffiliation' as investigator_affiliation,
    module ->> '$.responsibleParty.oldNameTitle' as old_name_title,
    module ->> '$.responsibleParty.oldOrganization' as old_organization
from source
where (module -> 'responsibleParty') is not null
