-- The registry's corrections: a record of a registry version the warehouse already
-- held (the same trial and registry date) with other content, as when the registry
-- recomputes a derived field. The version keeps the content observed last (see
-- trial_versions); each content it replaced is listed here with the fields, of those
-- trial_changes reports on, that differ. A correction is not an update: it makes no
-- version and sends no digest. A record that differs only in format (a legacy XML
-- record against the same version in API v2) differs in no field, and is not listed.
with contents as (
    select
        nct_id,
        registry_date,
        content_hash,
        first_observed_on,
        lag(content_hash) over (
            partition by nct_id, registry_date
            order by last_loaded_at, last_observed_on, content_hash
        ) as replaced_hash
    from {{ ref('int_version_contents') }}
    where {{ only_touched('nct_id') }}
),

facts as (
    select * from {{ ref('int_version_facts') }}
    where {{ only_touched('nct_id') }}
),

sides as (
    select
        contents.nct_id,
        contents.registry_date,
        contents.replaced_hash,
        contents.content_hash,
        contents.first_observed_on,
        facts.field,
        facts.item_key,
        facts.value,
        facts.content_hash = contents.content_hash as is_new
    from contents
    inner join facts
        on
            contents.nct_id = facts.nct_id
            and facts.content_hash in (contents.replaced_hash, contents.content_hash)
    where contents.replaced_hash is not null
),

-- a field differs when an item is on one side only, or its value differs
differing as (
    select
        nct_id,
        registry_date,
        replaced_hash,
        content_hash,
        first_observed_on,
        field
    from sides
    group by nct_id, registry_date, replaced_hash, content_hash, first_observed_on, field, item_key
    having
        not (bool_or(is_new) and bool_or(not is_new))
        or max(value) filter (where is_new) is distinct from max(value) filter (where not is_new)
)

select
    nct_id,
    registry_date,
    replaced_hash,
    content_hash,
    first_observed_on as corrected_on,
    list(distinct field order by field) as fields
from differing
group by nct_id, registry_date, replaced_hash, content_hash, first_observed_on
