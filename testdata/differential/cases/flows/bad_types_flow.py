"""Invalid: StrictStr given an int, a list given a str."""
from prefect import flow

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec


@flow
def bad_types():
    pass


FLOW_SPEC = FlowSpec(
    flow=bad_types,
    docker_env="base",
    secrets=[FlowEnvar(envar_name="A", envar_value=1)],
)
