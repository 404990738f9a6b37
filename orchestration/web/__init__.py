"""The web service's area: the built site and the sign-up endpoints its forms post to,
as an ASGI app (``app.create_app``), run by ``make site`` (``python -m orchestration.web``)."""
