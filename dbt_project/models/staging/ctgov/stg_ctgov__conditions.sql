-- protocolSection.conditionsModule.conditions: each condition as the registrant
-- wrote it, one row per study version and position.
with source as (
    {{ ctgov_module('conditions_module') }}
)

select
    source.nct_id,
    source.content_hash,
    condition.ordinal::integer as ordinal,
    condition.condition_name
from source,
    unnest(source.module ->> '$.conditions[*]')
    with ordinality as condition (condition_name, ordinal)
