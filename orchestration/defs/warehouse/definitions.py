import dagster as dg

from orchestration.defs.settings_resource import TRIALWATCH
from orchestration.defs.warehouse.assets import (
    lake_maintenance,
    lake_maintenance_job,
    lake_maintenance_schedule,
    published_warehouse,
    warehouse_models,
)
from orchestration.defs.warehouse.dbt_resource import dbt_cli
from orchestration.defs.warehouse.resources import WarehouseResource

defs = dg.Definitions(
    assets=[warehouse_models, published_warehouse, lake_maintenance],
    jobs=[lake_maintenance_job],
    schedules=[lake_maintenance_schedule],
    resources={"dbt": dbt_cli(), "warehouse": WarehouseResource(trialwatch=TRIALWATCH)},
)
