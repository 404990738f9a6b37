-- protocolSection.statusModule, one row per study version. Partial dates keep a
-- date (the first day of their period) and a precision: day, month or year.
with source as (
    {{ ctgov_module('status_module') }}
),

fields as (
    select
        nct_id,
        content_hash,
        module ->> 'overallStatus' as overall_status,
        module ->> 'lastKnownStatus' as last_known_status,
        module ->> 'whyStopped' as why_stopped,
        module ->> 'statusVerifiedDate' as status_verified_text,
        module ->> '$.startDateStruct.date' as start_text,
        module ->> '$.startDateStruct.type' as start_date_type,
        module ->> '$.primaryCompletionDateStruct.date' as primary_completion_text,
        module ->> '$.primaryCompletionDateStruct.type' as primary_completion_date_type,
        module ->> '$.completionDateStruct.date' as completion_text,
        module ->> '$.completionDateStruct.type' as completion_date_type,
        module ->> 'studyFirstSubmitDate' as first_submitted_text,
        module ->> '$.studyFirstPostDateStruct.date' as first_posted_text,
        module ->> 'lastUpdateSubmitDate' as last_update_submitted_text,
        module ->> '$.lastUpdatePostDateStruct.date' as last_update_posted_text,
        module ->> '$.resultsFirstPostDateStruct.date' as results_first_posted_text
    from source
)

select
    nct_id,
    content_hash,
    overall_status,
    last_known_status,
    why_stopped,
    {{ partial_date('status_verified_text') }} as status_verified_date,
    {{ date_precision('status_verified_text') }} as status_verified_date_precision,
    {{ partial_date('start_text') }} as start_date,
    {{ date_precision('start_text') }} as start_date_precision,
    start_date_type,
    {{ partial_date('primary_completion_text') }} as primary_completion_date,
    {{ date_precision('primary_completion_text') }} as primary_completion_date_precision,
    primary_completion_date_type,
    {{ partial_date('completion_text') }} as completion_date,
    {{ date_precision('completion_text') }} as completion_date_precision,
    completion_date_type,
    try_cast(first_submitted_text as date) as first_submitted_date,
    try_cast(first_posted_text as date) as first_posted_date,
    try_cast(last_update_submitted_text as date) as last_update_submitted_date,
    try_cast(last_update_posted_text as date) as last_update_posted_date,
    try_cast(results_first_posted_text as date) as results_first_posted_date
from fields
