"""Known mismatch: true division of a zero int by a negative int is -0.0 in
Python; the extractor gives 0.0."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow
def negative_zero():
    pass


FLOW_SPEC = FlowSpec(
    flow=negative_zero,
    docker_env="base",
    deployments=[FlowDeployment(deployment_name="zero", parameters={"z": 0 / -2})],
)
