"""Migrated to the worker API but still deployed by the agent tooling."""
from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec


@flow
def heartbeat():
    pass


FLOW_SPEC = FlowSpec(
    flow=heartbeat,
    docker_env="base-v2",
    is_agent=True,
    deployments=[FlowDeployment(name="every-minute", cron="* * * * *")],
)
