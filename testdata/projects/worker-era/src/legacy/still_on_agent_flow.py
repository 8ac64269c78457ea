"""A flow the agent-era tooling still deploys: the worker CLI skips it."""
from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec


@flow
def still_on_agent():
    pass


FLOW_SPEC = FlowSpec(
    flow=still_on_agent,
    docker_env="base",
    is_agent=True,
    deployments=[FlowDeployment(name="nightly", cron="0 2 * * *")],
)
