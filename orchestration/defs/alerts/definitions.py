import dagster as dg

from orchestration.defs.alerts.assets import alert_digests, subscriber_counts, subscriptions
from orchestration.defs.alerts.resources import AlertsResource
from orchestration.defs.settings_resource import TRIALWATCH

defs = dg.Definitions(
    assets=[subscriber_counts, subscriptions, alert_digests],
    resources={"alerts": AlertsResource(trialwatch=TRIALWATCH)},
)
