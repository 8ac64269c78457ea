from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow()
def load_data():
    pass


FLOW_SPEC = FlowSpec(flow=load_data, docker_env="base env", deployments=[FlowDeployment(deployment_name="daily load")])
