-- What each trial's results say of themselves besides the tables: the participant
-- flow's and the baseline's notes, the adverse events' time frame and threshold, the
-- limitations, and the investigators' agreement with the sponsor (current version;
-- trials with results only).
with results as (
    select * from {{ ref('stg_ctgov__results') }}
)

select * exclude (content_hash)
from results
semi join {{ current_version_keys() }} using (nct_id, content_hash)
