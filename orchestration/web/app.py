"""The sign-up service: the built site, and the endpoints its "Get updates" forms use.

- ``POST /subscribe`` (``topic``, ``email``, ``consent``): a pending sign-up and a
  confirmation message; the answer is the same "check your inbox" page whatever the
  address's state, and whether or not anything was sent (lib/subscribers/signups.py).
- ``GET /confirm?token=`` shows a button; its ``POST`` confirms. Mail scanners open
  links: no GET changes anything.
- ``GET /unsubscribe?token=`` lists what the address follows, each removable; a
  ``POST`` there stops one, or everything, and the digests' one-click unsubscribe
  (RFC 8058, ``List-Unsubscribe=One-Click``) stops everything at once.
- ``GET /terms``: the terms of use and privacy notice the forms link to.

Abuse limits: a request rate per client (429 past it), a day's confirmations per
address (past them, the same page and nothing sent), a honeypot field, and an Origin
check on the forms' POSTs. Counters live in the shared store, so several workers
count together. Blocking work (the store, SMTP) runs in Starlette's thread pool.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from orchestration.lib.alerts.confirmation import confirmation
from orchestration.lib.alerts.ledger import DeliveryReport, masked, record, send
from orchestration.lib.alerts.subscriptions import valid_email
from orchestration.lib.alerts.transport import transport
from orchestration.lib.common.settings import Settings, settings
from orchestration.lib.common.templates import environment
from orchestration.lib.search.places import gazetteer
from orchestration.lib.site.bucket import SiteBucket
from orchestration.lib.subscribers import signups
from orchestration.lib.subscribers.consent import CURRENT, WORDINGS
from orchestration.lib.subscribers.links import link_secret, verified
from orchestration.lib.subscribers.store import now, transaction
from orchestration.lib.subscribers.topics import Topic
from orchestration.web.guards import client_address, over_rate, same_origin
from orchestration.web.search import answer, read, template_values

log = logging.getLogger(__name__)
PAGES = environment("web")


@dataclass(frozen=True)
class Service:
    current: Settings
    secret: bytes

    @property
    def store(self) -> str:
        return self.current.subscribers_store

    def _on_site(self, page: str) -> bool:
        """Whether the published site has ``page``: in its bucket when it has one (the
        service may run away from the pipeline's worker), else in the live build."""
        if self.current.site_bucket:
            return SiteBucket(self.current.site_bucket, self.current.site_url).has(page)
        return (self.current.site / page).is_file()

    # The endpoints.

    async def search(self, request: Request) -> Response:
        asked = await run_in_threadpool(answer, self.current, read(request.query_params))
        title = f"Trials for {asked.query.words}" if asked.query.words else "Find a trial"
        html = PAGES.get_template("search.html.j2").render(title=title, **template_values(asked))
        # What was wrong (an unknown place, an age that is not a number) is on the page.
        return HTMLResponse(html)

    async def subscribe(self, request: Request) -> Response:
        form = await request.form()
        refused = await self._refused(request, required=True)
        if refused is not None:
            return refused
        if form.get("website"):  # the honeypot: answered as if all were well
            return _inbox()
        email = str(form.get("email") or "").strip().lower()
        topic = Topic.parse(str(form.get("topic") or ""))
        wording = WORDINGS.get(str(form.get("consent") or CURRENT))
        page = topic.page if topic else None
        if not valid_email(email) or page is None or wording is None:
            return _page(
                "We could not read that sign-up", ["Please check the address and try again."], 400
            )
        if not await run_in_threadpool(self._on_site, page):
            return _page("We could not read that sign-up", ["That page is not on the site."], 400)
        await run_in_threadpool(self._request, email, topic, wording)
        return _inbox()

    async def confirm_page(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        topic = await run_in_threadpool(self._in_store, signups.pending_topic, token, now())
        if topic is None:
            return _unusable()
        return _page(
            "Confirm your emails",
            [f"Press the button to get emails about {_label(topic)}."],
            form={"action": "/confirm", "fields": {"token": token}, "button": "Confirm"},
        )

    async def confirm(self, request: Request) -> Response:
        form = await request.form()
        refused = await self._refused(request, required=True)
        if refused is not None:
            return refused
        topic = await run_in_threadpool(
            self._in_store, signups.confirm, str(form.get("token", "")), now()
        )
        if topic is None:
            return _unusable()
        return _page(
            "You are signed up",
            [
                f"We will email you about {_label(topic)}: what trialwatch sees from now on.",
                "Every email has a link to stop them.",
            ],
        )

    async def manage(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        subscriber = await run_in_threadpool(self._subscriber, token)
        if subscriber is None:
            return _unusable()
        following = await run_in_threadpool(self._in_store, signups.following, subscriber)
        items = [{"id": i, "label": _label(t)} for i, t in following]
        return HTMLResponse(
            PAGES.get_template("manage.html.j2").render(
                title="Your trialwatch emails", following=items, token=token
            )
        )

    async def unsubscribe(self, request: Request) -> Response:
        form = await request.form()
        refused = await self._refused(request, required=False)
        if refused is not None:
            return refused
        token = request.query_params.get("token", "") or str(form.get("token", ""))
        subscriber = await run_in_threadpool(self._subscriber, token)
        if subscriber is None:
            return _unusable()
        one = form.get("signup")
        everything = form.get("List-Unsubscribe") == "One-Click" or form.get("everything")
        if not everything and not (isinstance(one, str) and one.isdigit()):
            return _page(
                "Nothing was changed", ["Choose what to stop on the page you came from."], 400
            )
        chosen = None if everything else int(str(one))
        await run_in_threadpool(self._in_store, signups.stop, subscriber, now(), chosen)
        if everything:
            return _page(
                "You are unsubscribed", ["trialwatch will send this address nothing more."]
            )
        return await self.manage(request)

    async def terms(self, request: Request) -> Response:
        return HTMLResponse(
            PAGES.get_template("terms.html.j2").render(
                title="Terms of use and privacy",
                wording=WORDINGS[CURRENT],
                expiry_days=self.current.signup_expiry_days,
            )
        )

    # What they share.

    async def _refused(self, request: Request, *, required: bool) -> Response | None:
        if not same_origin(request, self.current.site_url, required=required):
            return _page("Refused", ["This form must be sent from trialwatch's own pages."], 403)
        client = client_address(request, self.current.trusted_proxy)
        limit = self.current.requests_per_minute
        if await run_in_threadpool(over_rate, self.store, self.secret, client, limit, now()):
            response = _page("Too many requests", ["Please wait a minute and try again."], 429)
            response.headers["Retry-After"] = "60"
            return response
        return None

    def _in_store(self, step: Any, *args: Any) -> Any:
        with transaction(self.store) as con:
            return step(con, *args)

    def _subscriber(self, token: str) -> int | None:
        """The subscriber a signed link names, while its epoch is the current one."""
        named = verified(self.secret, token)
        if named is None:
            return None
        subscriber, epoch = named
        with transaction(self.store) as con:
            return subscriber if signups.epoch(con, subscriber) == epoch else None

    def _request(self, email: str, topic: Topic, wording: str) -> None:
        """Record the request and the confirmation in one transaction, then send it."""
        current = self.current
        with transaction(self.store) as con:
            sending = signups.request(
                con,
                email,
                topic,
                wording,
                now(),
                secret=self.secret,
                expiry_days=current.signup_expiry_days,
                per_day=current.confirmations_per_day,
            )
            if sending is None:
                return
            link = f"{current.site_url.rstrip('/')}/confirm?token={sending.token}"
            message_id, body = confirmation(
                email, _label(topic), link, current.mail_from, current.signup_expiry_days
            )
            record(con, message_id, "confirmation", email, body, self.secret)
        try:
            send(self.store, transport(current), message_id, email, body, DeliveryReport())
        except Exception as exc:  # the relay is down: the next pipeline run sends it
            log.warning("confirmation to %s not sent yet: %s", masked(email), type(exc).__name__)


def _label(topic: Topic) -> str:
    if topic.nct_id:
        return f"changes to the study {topic.nct_id}"
    words = (topic.slug or "").rsplit("-", 1)[0].replace("-", " ")
    return f"new studies for {words or topic.term}"


def _page(
    title: str, paragraphs: list[str], status: int = 200, form: dict | None = None
) -> HTMLResponse:
    html = PAGES.get_template("message.html.j2").render(
        title=title, paragraphs=paragraphs, form=form
    )
    return HTMLResponse(html, status_code=status)


def _inbox() -> HTMLResponse:
    return _page(
        "Check your inbox",
        [
            "If this address can get trialwatch emails, a message is on its way to confirm"
            " that it is yours. Open its link to start the emails.",
            "No message? Look in your spam folder, or try again later.",
        ],
    )


def _unusable() -> HTMLResponse:
    return _page(
        "This link does not work",
        ["It may have been used already, or be too old. Sign up again on a trial's page."],
        404,
    )


def create_app(current: Settings | None = None) -> Starlette:
    """The service for ``current`` settings (by default, the environment's)."""
    current = current or settings()
    service = Service(current, link_secret(current))
    gazetteer(current.cache)  # made once, from the installed packages, before the first search
    routes = [
        Route("/subscribe", service.subscribe, methods=["POST"]),
        Route("/confirm", service.confirm_page, methods=["GET"]),
        Route("/confirm", service.confirm, methods=["POST"]),
        Route("/unsubscribe", service.manage, methods=["GET"]),
        Route("/unsubscribe", service.unsubscribe, methods=["POST"]),
        Route("/terms", service.terms, methods=["GET"]),
        Route("/search", service.search, methods=["GET"]),
        Mount("/", StaticFiles(directory=current.site, html=True, check_dir=False)),
    ]
    return Starlette(routes=routes)
