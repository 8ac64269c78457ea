"""Flows made with flow(fn, ...) and renamed with with_options, chained."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec

TEAM = "growth"


def load(table: str = "events", limit: int = 10):
    """Loads a table.

    Only the first lines count."""


loader = flow(load, name=f"{TEAM}-loader", retries=2)
renamed = loader.with_options(name="", description=None).with_options(retries=3).with_options(name=f"{TEAM}-renamed")

FLOW_SPEC = FlowSpec(flow=renamed, docker_env="base", deployments=[FlowDeployment(deployment_name="d")])
