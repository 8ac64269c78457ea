"""Load clickstream events from S3 into Snowflake."""
from typing import Optional

from prefect import flow, task

from common.deployment.worker import FlowDeployment, FlowSpec
from common.settings import CommonSettings
from shared.settings import SNOWFLAKE_DATABASE, TEAM

CS = CommonSettings()  # type: ignore
DATABASE = SNOWFLAKE_DATABASE[CS.deployment_type]


@task(retries=3)
def copy_into(database: str, prefix: str, limit: Optional[int]) -> int:
    return 0


@flow(name="Load Events", log_prints=True)
def load_events(prefix: str = "events/", full_refresh: bool = False, limit: Optional[int] = None):
    """Copy new event files into the raw events table."""
    copy_into(DATABASE, prefix, limit)


FLOW_SPEC = FlowSpec(
    flow=load_events,
    docker_env="base",
    deployments=[
        FlowDeployment(
            name="hourly",
            cron="5 * * * *",
            timezone="America/Chicago",
            parameters={"prefix": f"events/{CS.deployment_type}/"},
            tags=[TEAM, "ingestion"],
            version="2024.05",
            job_variables={"cpu": 1024, "memory": 4096},
        ),
        FlowDeployment(
            name="full-refresh",
            parameters={"full_refresh": True, "limit": None},
            description="Reload every event file; run by hand only.",
            enforce_parameter_schema=True,
            tags=[TEAM],
        ),
    ],
)

if __name__ == "__main__":
    load_events(limit=10)
