"""Helpers shared by the data products flows."""
from typing import Optional

from pydantic import BaseModel, Field

SNOWFLAKE_SECRET_NAME = "data-flows/snowflake/credentials"
DEFAULT_WAREHOUSE = "PREFECT_WH_SMALL"
ANALYTICS_SCHEMA = "analytics"


class SqlJob(BaseModel):
    """One SQL job: which query to run and where its result lands."""

    sql_folder_name: str
    destination_table: str
    warehouse: str = DEFAULT_WAREHOUSE
    schema_name: str = Field(ANALYTICS_SCHEMA, description="target schema")
    lookback_days: int = 1
    partition_column: Optional[str]


def get_snowflake_connection(role: str):
    # Runs only inside tasks; the extractor never needs it.
    import snowflake.connector

    return snowflake.connector.connect(role=role)
