-- Each keyword a trial is filed under, as its current version lists them.
with current_versions as (
    select * from {{ ref('int_current_versions') }}
    where {{ only_touched('nct_id') }}
),

keywords as (
    select * from {{ ref('stg_ctgov__keywords') }}
)

select
    keywords.nct_id,
    keywords.ordinal,
    keywords.keyword
from keywords
semi join current_versions using (nct_id, content_hash)
