"""cpu changed after construction still has to be a Fargate task size."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow()
def resized():
    pass


d = FlowDeployment(deployment_name="a", cpu="1024", memory="4096")
FLOW_SPEC = FlowSpec(flow=resized, docker_env="base", deployments=[d])
d.memory = "16384"
