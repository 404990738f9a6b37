-- One row per distinct version of each trial, valid from the day it was first seen
-- until the day the next version was (null while current).
select
    nct_id,
    version_number,
    content_hash,
    valid_from,
    valid_to,
    last_observed_on,
    last_update_posted_date
from {{ ref('int_trial_versions') }}
where {{ only_touched('nct_id') }}
