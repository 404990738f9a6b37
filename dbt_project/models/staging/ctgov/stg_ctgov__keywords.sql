-- protocolSection.conditionsModule.keywords: the words the registrant filed each study
-- version under, in their order.
with source as (
    {{ ctgov_module('conditions_module') }}
),

keywords as (
    select
        source.nct_id,
        source.content_hash,
        keyword.ordinal,
        keyword.item
    from source,
        unnest(json_extract_string(source.module, '$.keywords[*]'))
        with ordinality as keyword (item, ordinal)
)

select
    nct_id,
    content_hash,
    ordinal::integer as ordinal,
    item as keyword
from keywords
