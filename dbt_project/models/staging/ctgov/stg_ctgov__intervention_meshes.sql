-- derivedSection.interventionBrowseModule: the MeSH terms the registry matched to each
-- study version's interventions (relation 'direct') and their ancestors in the MeSH
-- tree (relation 'ancestor').
{{ browse_terms('intervention_browse_module') }}
