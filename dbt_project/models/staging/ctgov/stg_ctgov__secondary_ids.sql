-- protocolSection.identificationModule.secondaryIdInfos: each study version's other ids
-- (grants, other registries, the sponsor's own), in the registry's order.
with source as (
    {{ ctgov_module('identification_module') }}
),

secondary_ids as (
    select
        source.nct_id,
        source.content_hash,
        secondary_id.ordinal,
        secondary_id.item
    from source,
        unnest(json_extract(source.module, '$.secondaryIdInfos[*]'))
        with ordinality as secondary_id (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item ->> 'id' as secondary_id,
    item ->> 'type' as id_type,
    item ->> 'domain' as id_domain,
    item ->> 'link' as id_link
from secondary_ids
