import dagster as dg

from orchestration.defs.alerts.assets import alert_digests, subscriptions
from orchestration.defs.alerts.resources import AlertsResource

defs = dg.Definitions(assets=[subscriptions, alert_digests], resources={"alerts": AlertsResource()})
