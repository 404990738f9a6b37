-- derivedSection.miscInfoModule.removedCountries: per study version, the countries it
-- no longer lists a site in.
with removed_countries as (
    {{ ctgov_module_items('removed_countries', '$[*]') }}
)

select
    nct_id,
    content_hash,
    ordinal,
    item ->> '$' as country
from removed_countries
