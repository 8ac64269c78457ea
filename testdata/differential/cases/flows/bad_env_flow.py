"""Invalid: a docker env that pyproject.toml does not declare."""
from prefect import flow

from common.deployment import FlowSpec


@flow
def bad_env():
    pass


FLOW_SPEC = FlowSpec(flow=bad_env, docker_env="nope")
