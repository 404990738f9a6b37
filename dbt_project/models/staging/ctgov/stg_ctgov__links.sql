-- protocolSection.referencesModule.seeAlsoLinks: the web pages each study version
-- points to, in the registry's order.
with links as (
    {{ ctgov_module_items('references_module', '$.seeAlsoLinks[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'url' as url,
    item ->> 'label' as label
from links
