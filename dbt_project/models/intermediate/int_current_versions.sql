-- The current version of each study: the one seen most recently. A load of an
-- older dump never overrides a newer one; on the same day, the version the
-- registry posted last wins.
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
)

select
    nct_id,
    content_hash,
    last_observed_on
from ranked
where recency = 1
