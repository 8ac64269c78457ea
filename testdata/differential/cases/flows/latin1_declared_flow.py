# -*- coding: latin-1 -*-
"""A latin-1 file: CPython decodes it by its declaration."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow()
def declared():
    pass


FLOW_SPEC = FlowSpec(
    flow=declared,
    docker_env="base",
    deployments=[FlowDeployment(deployment_name="zürich", parameters={"city": "Zürich", "sign": "§ µ"})],
)
