import dagster as dg

from orchestration.defs.warehouse.assets import dbt_cli, published_warehouse, warehouse_models
from orchestration.defs.warehouse.resources import WarehouseResource

defs = dg.Definitions(
    assets=[warehouse_models, published_warehouse],
    resources={"dbt": dbt_cli(), "warehouse": WarehouseResource()},
)
