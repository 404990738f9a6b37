-- One row per registry version of each trial, in registry order, valid from its
-- registry date until the next version's (null while current).
select
    nct_id,
    version_number,
    content_hash,
    registry_date,
    registry_version,
    valid_from,
    valid_to,
    first_observed_on,
    last_observed_on,
    is_news
from {{ ref('int_trial_versions') }}
where {{ only_touched('nct_id') }}
