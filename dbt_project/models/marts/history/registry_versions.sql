-- Each trial's versions as the registry's own history index lists them (read by a
-- history backfill before any version is fetched): number, date, the overall status
-- then, and whether the warehouse holds the version. Its count less one is how often
-- the registry updated the trial since first posting.
select
    nct_id,
    registry_version,
    registry_date,
    overall_status,
    is_held
from {{ ref('int_history_indexes') }}
where {{ only_touched('nct_id') }}
