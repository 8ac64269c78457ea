"""Worker era: multi-touch attribution, moved to the ECS work pool."""
from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec


@flow(name="attribution")
def attribution(model: str = "linear", lookback_days: int = 30):
    """Attribute conversions to campaigns."""


FLOW_SPEC = FlowSpec(
    flow=attribution,
    docker_env="base-v2",
    deployments=[
        FlowDeployment(
            name="daily",
            cron="0 6 * * *",
            timezone="Europe/Dublin",
            tags=["marketing"],
            job_variables={"memory": 2048},
        ),
        FlowDeployment(name="backfill", parameters={"lookback_days": 365}, work_queue_name="backfills"),
    ],
)
