-- derivedSection.conditionBrowseModule.browseBranches: the branches of the MeSH tree
-- the registry files each study version's conditions under ("Neoplasms", "Heart and
-- Blood Diseases", "All Conditions").
with source as (
    {{ ctgov_module('condition_browse_module') }}
),

branches as (
    select
        source.nct_id,
        source.content_hash,
        branch.item
    from source,
        unnest(json_extract(source.module, '$.browseBranches[*]')) as branch (item)
)

select distinct
    nct_id,
    content_hash,
    item ->> 'abbrev' as branch_abbrev,
    item ->> 'name' as branch_name
from branches
