"""True division of a zero int by a negative int is -0.0 in Python, also
when formatted."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow
def negative_zero():
    pass


FLOW_SPEC = FlowSpec(
    flow=negative_zero,
    docker_env="base",
    deployments=[FlowDeployment(deployment_name="zero", parameters={"z": 0 / -2, "f": "%.3f" % (0 / -2), "d": divmod(0.0, -5)})],
)
