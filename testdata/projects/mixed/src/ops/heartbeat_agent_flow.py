"""The agent-era declaration of the heartbeat, kept while the flow moves to
work pools: is_agent=False hands it to the worker-era tooling, so the agent
plan skips it instead of deploying a second heartbeat."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow
def heartbeat():
    pass


FLOW_SPEC = FlowSpec(
    flow=heartbeat,
    docker_env="base",
    is_agent=False,
    deployments=[FlowDeployment(deployment_name="every-minute")],
)
