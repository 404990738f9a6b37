-- protocolSection.conditionsModule.conditions: each condition as the registrant
-- wrote it, one row per study version and position.
with source as (
    select
        nct_id,
        content_hash,
        record -> '$.protocolSection.conditionsModule' as module
    from {{ source('ctgov', 'raw_studies') }}
)

select
    source.nct_id,
    source.content_hash,
    condition.ordinal::integer as ordinal,
    condition.condition_name
from source,
    unnest(source.module ->> '$.conditions[*]')
    with ordinality as condition (condition_name, ordinal)
