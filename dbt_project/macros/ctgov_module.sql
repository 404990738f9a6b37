{#- The parts of a study record the staging models read, by the column that holds
    each in stg_ctgov__study_modules, which parses every record once for all of them. -#}
{% macro ctgov_modules() -%}
    {{ return({
        'has_results': '$.hasResults',
        'version_holder': '$.derivedSection.miscInfoModule.versionHolder',
        'identification_module': '$.protocolSection.identificationModule',
        'status_module': '$.protocolSection.statusModule',
        'sponsor_collaborators_module': '$.protocolSection.sponsorCollaboratorsModule',
        'description_module': '$.protocolSection.descriptionModule',
        'conditions_module': '$.protocolSection.conditionsModule',
        'design_module': '$.protocolSection.designModule',
        'arms_interventions_module': '$.protocolSection.armsInterventionsModule',
        'outcomes_module': '$.protocolSection.outcomesModule',
        'eligibility_module': '$.protocolSection.eligibilityModule',
        'contacts_locations_module': '$.protocolSection.contactsLocationsModule',
        'references_module': '$.protocolSection.referencesModule',
        'condition_browse_module': '$.derivedSection.conditionBrowseModule',
        'intervention_browse_module': '$.derivedSection.interventionBrowseModule',
    }) }}
{%- endmacro %}

{#- The staging models' source CTE: one module of each landed study version (a column
    of stg_ctgov__study_modules), so the fields below parse only the small module. -#}
{% macro ctgov_module(column) -%}
    select
        nct_id,
        content_hash,
        {{ column }} as module
    from {{ ref('stg_ctgov__study_modules') }}
{%- endmacro %}
