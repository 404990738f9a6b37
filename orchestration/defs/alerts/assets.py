"""Sign-ups in, digests out: one message per subscriber per run, each event once."""

import dagster as dg

from orchestration.defs.alerts.resources import AlertsResource
from orchestration.defs.site.assets import site_published
from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.alerts.events import find_events, known_conditions
from orchestration.lib.alerts.ledger import deliver
from orchestration.lib.alerts.subscriptions import read_subscriptions, store, stored_active
from orchestration.lib.common.lake import Lake


@dg.asset(
    deps=[published_warehouse],
    group_name="alerts",
    kinds={"csv"},
    description=(
        "Sign-ups and unsubscribes from data/subscriptions/, validated, stored in"
        " data/alerts.duckdb (subscriptions, subscription_rejects); bad rows reported."
    ),
)
def subscriptions(
    context: dg.AssetExecutionContext, alerts: AlertsResource
) -> dg.MaterializeResult:
    lake = Lake.of(alerts.settings())
    with lake.connect() as con:
        trials = {n for (n,) in con.execute("select nct_id from main.trials").fetchall()}
    conditions = known_conditions(lake)
    files = read_subscriptions(
        alerts.subscriptions_dir(),
        known_trial=trials.__contains__,
        known_condition=lambda c: c.strip().lower() in conditions,
    )
    store(alerts.ledger(), files)
    for bad in files.rejected:
        context.log.warning(f"skipped {bad.source_file} line {bad.line}: {bad.reason}")
    active = files.active()
    return dg.MaterializeResult(
        metadata={
            "subscriptions": len(files.subscriptions),
            "active": len(active),
            "unsubscribed": len(files.subscriptions) - len(active),
            "rejected": len(files.rejected),
            "rejections": dg.MetadataValue.md(
                "\n".join(f"- {r.source_file}:{r.line} {r.reason}" for r in files.rejected)
                or "none"
            ),
        }
    )


@dg.asset(
    deps=[subscriptions, site_published],
    group_name="alerts",
    kinds={"email"},
    description="A digest per subscriber of what changed since they signed up, delivered once.",
)
def alert_digests(
    context: dg.AssetExecutionContext, alerts: AlertsResource
) -> dg.MaterializeResult:
    current = alerts.settings()
    transport = alerts.transport()
    report = deliver(
        alerts.ledger(),
        find_events(Lake.of(current), stored_active(alerts.ledger())),
        transport,
        site_url=current.site_url,
        unsubscribe_url=current.unsubscribe_url,
        sender=current.mail_from,
    )
    context.log.info(
        f"{report.events} events, {report.messages_prepared} new digests, "
        f"{report.messages_sent} sent by {transport.name}"
    )
    for failure in report.failures:
        context.log.warning(f"not delivered: {failure}")
    return dg.MaterializeResult(
        metadata={
            "events": report.events,
            "digests_prepared": report.messages_prepared,
            "digests_sent": report.messages_sent,
            "resent_after_interruption": report.resent_after_interruption,
            "digests_refused": report.messages_failed,
            "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in report.failures) or "none"),
            "transport": transport.name,
        }
    )
