"""The web service's area: the site's sign-up and search endpoints as an ASGI app.

Nothing is here yet; `make site` serves the static files. Its routes, templates
(`orchestration/templates/site/`) and settings (`lib/common/settings.py`) follow the
same layout as the other areas.
"""
