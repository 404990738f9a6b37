-- protocolSection.identificationModule.secondaryIdInfos: each study version's other ids
-- (grants, other registries, the sponsor's own), in the registry's order.
with secondary_ids as (
    {{ ctgov_module_items('identification_module', '$.secondaryIdInfos[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'id' as secondary_id,
    item ->> 'type' as id_type,
    item ->> 'domain' as id_domain,
    item ->> 'link' as id_link
from secondary_ids
