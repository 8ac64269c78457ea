"""Invalid: FlowDeployment without deployment_name, FlowSpec without docker_env."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow
def bad_missing():
    pass


FLOW_SPEC = FlowSpec(flow=bad_missing, deployments=[{"cpu": "1024"}])
