from typing import Optional

from pydantic import BaseModel, Field

REGION = "us-east-1"


class SqlJob(BaseModel):
    sql_template_path: str
    kwargs: dict = {}
    with_external_state: bool = False
    batch_size: Optional[int]
    schema_name: str = Field("raw", description="target schema")


class DailyJob(SqlJob):
    schedule_hour: int = 3
