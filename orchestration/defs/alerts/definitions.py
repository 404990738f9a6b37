import dagster as dg

from orchestration.defs.alerts.assets import alert_digests, subscriber_counts, subscriptions
from orchestration.defs.alerts.resources import AlertsResource

defs = dg.Definitions(
    assets=[subscriber_counts, subscriptions, alert_digests],
    resources={"alerts": AlertsResource()},
)
