"""A worker-era spec."""
from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec


@flow(name="Worker Flow")
async def worker_flow(x: int, *args, y: str = "y", **kwargs):
    pass


FLOW_SPEC = FlowSpec(
    flow=worker_flow,
    docker_env="worker-env",
    deployments=[
        FlowDeployment(name="hourly", cron="0 * * * *", tags=["a", 1], version=2, parameters={"x": 1}),
        FlowDeployment(name="manual", timezone="Europe/Paris", enforce_parameter_schema="yes",
                       work_queue_name="q", job_variables={"cpu": 1024, 5: "five"}, description="manual runs"),
    ],
)
