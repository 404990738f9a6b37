-- Central contacts (site_id null) and site contacts of each trial's current version.
-- Personal data: analysts may query it; nothing downstream publishes it.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

contacts as (
    select contacts.*
    from {{ ref('stg_ctgov__contacts') }} as contacts
    semi join current_versions using (nct_id, content_hash)
),

locations as (
    select * from {{ ref('int_trial_locations') }}
    where {{ only_touched('nct_id') }}
)

select
    contacts.nct_id
    || ':' || coalesce(contacts.location_ordinal::varchar, 'central')
    || ':' || contacts.ordinal::varchar as contact_id,
    contacts.nct_id,
    locations.site_id,
    contacts.location_ordinal,
    contacts.ordinal,
    contacts.contact_role as role,
    contacts.contact_name as name,
    contacts.phone,
    contacts.phone_ext,
    contacts.email
from contacts
left join locations
    on
        contacts.nct_id = locations.nct_id
        and contacts.location_ordinal = locations.ordinal
