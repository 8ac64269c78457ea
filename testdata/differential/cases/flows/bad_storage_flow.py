"""Invalid: ephemeral_storage_gb out of range."""
from prefect import flow

from common.deployment import FlowSpec


@flow
def bad_storage():
    pass


FLOW_SPEC = FlowSpec(flow=bad_storage, docker_env="base", ephemeral_storage_gb=201)
