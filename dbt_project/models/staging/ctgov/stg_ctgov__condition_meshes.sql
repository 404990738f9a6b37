-- derivedSection.conditionBrowseModule: the MeSH terms the registry matched to each
-- study version's conditions (relation 'direct') and their ancestors in the MeSH tree
-- (relation 'ancestor').
{{ browse_terms('condition_browse_module') }}
