-- resultsSection.moreInfoModule.pointOfContact: per study version, whom to ask about the
-- results. A person's name, phone and email: analysts only, like the contacts.
with source as (
    {{ ctgov_module('more_info_module') }}
)

select
    nct_id,
    content_hash,
    module ->> '$.pointOfContact.title' as contact_name,
    module ->> '$.pointOfContact.organization' as organization,
    module ->> '$.pointOfContact.phone' as phone,
    module ->> '$.pointOfContact.phoneExt' as phone_extension,
    module ->> '$.pointOfContact.email' as email
from source
where (module -> 'pointOfContact') is not null
