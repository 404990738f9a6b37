-- annotationSection.annotationModule.unpostedAnnotation.unpostedEvents: per study
-- version, what happened to results submitted but not yet posted (submitted, returned
-- after quality control review, reset).
with unposted_events as (
    {{ ctgov_module_items('annotation_module', '$.unpostedAnnotation.unpostedEvents[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'type' as event_type,
    try_cast(item ->> 'date' as date) as event_date,
    (item ->> 'dateUnknown')::boolean as date_unknown
from unposted_events
