"""A dict appended to the deployments after construction stays a dict:
pydantic turns dicts into models only in the constructor."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow()
def appended():
    pass


FLOW_SPEC = FlowSpec(flow=appended, docker_env="base", deployments=[FlowDeployment(deployment_name="a")])
FLOW_SPEC.deployments.append({"deployment_name": "b"})
