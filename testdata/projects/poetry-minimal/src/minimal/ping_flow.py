from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow
def ping():
    return "pong"


FLOW_SPEC = FlowSpec(flow=ping, docker_env="base", deployments=[FlowDeployment(deployment_name="main")])
