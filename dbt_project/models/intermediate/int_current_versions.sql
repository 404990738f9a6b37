-- The current version of each study: the one seen most recently. A load of an
-- older dump never overrides a newer one; on the same day, the version the
-- registry posted last wins. A study is removed when a full pull found it gone
-- after it was last seen.
with observations as (
    select * from {{ ref('stg_ctgov__observations') }}
),

status as (
    select
        nct_id,
        content_hash,
        last_update_posted_date
    from {{ ref('stg_ctgov__status') }}
),

versions as (
    select
        nct_id,
        content_hash,
        max(observed_on) as last_observed_on
    from observations
    group by nct_id, content_hash
),

ranked as (
    select
        versions.nct_id,
        versions.content_hash,
        versions.last_observed_on,
        row_number() over (
            partition by versions.nct_id
            order by
                versions.last_observed_on desc,
                status.last_update_posted_date desc nulls last,
                versions.content_hash asc
        ) as recency
    from versions
    inner join status using (nct_id, content_hash)
),

removals as (
    select
        nct_id,
        max(removed_on) as removed_on,
        arg_max(merged_into, removed_on) as merged_into
    from {{ ref('stg_ctgov__removals') }}
    group by nct_id
)

select
    ranked.nct_id,
    ranked.content_hash,
    ranked.last_observed_on,
    coalesce(removals.removed_on > ranked.last_observed_on, false) as is_removed,
    case when removals.removed_on > ranked.last_observed_on then removals.removed_on end
        as removed_on,
    case when removals.removed_on > ranked.last_observed_on then removals.merged_into end
        as merged_into
from ranked
left join removals using (nct_id)
where ranked.recency = 1
