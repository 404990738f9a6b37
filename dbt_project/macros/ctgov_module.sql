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
        'oversight_module': '$.protocolSection.oversightModule',
        'ipd_sharing_module': '$.protocolSection.ipdSharingStatementModule',
        'large_document_module': '$.documentSection.largeDocumentModule',
        'removed_countries': '$.derivedSection.miscInfoModule.removedCountries',
        'annotation_module': '$.annotationSection.annotationModule',
        'participant_flow_module': '$.resultsSection.participantFlowModule',
        'baseline_module': '$.resultsSection.baselineCharacteristicsModule',
        'outcome_measures_module': '$.resultsSection.outcomeMeasuresModule',
        'adverse_events_module': '$.resultsSection.adverseEventsModule',
        'more_info_module': '$.resultsSection.moreInfoModule',
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

{#- A staging model's source CTE for a list in a module: each item of the list at
    ``path`` (a JSON path ending in [*]) of each landed study version, with its
    1-based position. -#}
{% macro ctgov_module_items(column, path) -%}
    select
        source.nct_id,
        source.content_hash,
        listed.ordinal::integer as ordinal,
        listed.item
    from ({{ ctgov_module(column) }}) as source,
        {{ json_items('source.module', path, 'listed') }}
{%- endmacro %}

{#- The items of a JSON list inside a staged item, for a lateral join in a from clause:
    ``from parents, {{ json_items('parents.item', '$.children[*]', 'children') }}``
    gives children.item and children.ordinal (1-based) per parent; a parent with no
    such list gives no row. -#}
{% macro json_items(json, path, alias) -%}
    unnest(json_extract({{ json }}, '{{ path }}')) with ordinality as {{ alias }} (item, ordinal)
{%- endmacro %}
