from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow()
def top_level():
    pass


FLOW_SPEC = FlowSpec(flow=top_level, docker_env="base", deployments=[FlowDeployment(deployment_name="main")])
