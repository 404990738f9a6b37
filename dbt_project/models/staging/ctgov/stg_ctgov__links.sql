-- protocolSection.referencesModule.seeAlsoLinks: the web pages each study version
-- points to, in the registry's order.
with source as (
    {{ ctgov_module('references_module') }}
),

links as (
    select
        source.nct_id,
        source.content_hash,
        link.ordinal,
        link.item
    from source,
        unnest(json_extract(source.module, '$.seeAlsoLinks[*]'))
        with ordinality as link (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item ->> 'url' as url,
    item ->> 'label' as label
from links
