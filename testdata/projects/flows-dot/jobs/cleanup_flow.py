from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow()
def cleanup(days: int = 7):
    pass


FLOW_SPEC = FlowSpec(flow=cleanup, docker_env="base", deployments=[FlowDeployment(deployment_name="main", parameters={"days": 14})])
