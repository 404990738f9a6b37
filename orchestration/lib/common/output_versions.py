"""The version of what each output writes: raise one when its output changes.

An output is remade whole when the version it was made at differs from the one here,
and only then: a comment, a docstring or a refactor that writes the same bytes remakes
nothing. The golden tests (tests/defs/test_output_versions.py) hold a few sample trials'
outputs to files made at these versions; an output that changes while its version
stays fails them, with the command that writes them again once the version is raised.
"""

# The site's JSON documents, trial and condition (lib/site/feed.py, plain_language.py,
# lib/common/privacy.py's scrubbing of them).
DOCUMENTS = 2
# The site's pages and feeds made from the documents (lib/site/render.py, templates/site/).
PAGES = 2
# The search index's tables and what goes in them (lib/search/).
SEARCH_INDEX = 2
# The Parquet exports (lib/reports/exports.py).
EXPORTS = 2
