"""A value assigned after construction is not validated by pydantic: the
original would deploy the str "150" as the ephemeral storage size."""
from prefect import flow

from common.deployment import FlowSpec


@flow()
def assigned():
    pass


FLOW_SPEC = FlowSpec(flow=assigned, docker_env="base")
FLOW_SPEC.ephemeral_storage_gb = "150"
