-- protocolSection.conditionsModule.keywords: the words the registrant filed each study
-- version under, in their order.
with keywords as (
    {{ ctgov_module_items('conditions_module', '$.keywords[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> '$' as keyword
from keywords
