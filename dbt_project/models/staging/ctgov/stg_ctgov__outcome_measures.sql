-- resultsSection.outcomeMeasuresModule.outcomeMeasures: per study version, each outcome
-- measure reported (or to be reported), with what it measured and how.
with outcome_measures as (
    {{ ctgov_module_items('outcome_measures_module', '$.outcomeMeasures[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> 'type' as outcome_type,
    item ->> 'title' as title,
    item ->> 'description' as description,
    item ->> 'populationDescription' as population_description,
    item ->> 'reportingStatus' as reporting_status,
    {{ partial_date("item ->> '$.anticipatedPostingDate'") }} as anticipated_posting_date,
    item ->> 'anticipatedPostingDate' as anticipated_posting_month_year,
    item ->> 'paramType' as param_type,
    item ->> 'dispersionType' as dispersion_type,
    item ->> 'unitOfMeasure' as unit_of_measure,
    (item ->> 'calculatePct')::boolean as calculate_percentage,
    item ->> 'timeFrame' as time_frame,
    item ->> 'typeUnitsAnalyzed' as units_analyzed,
    item ->> 'denomUnitsSelected' as denom_units_selected
from outcome_measures
