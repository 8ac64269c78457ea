from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow(name="Straße Flow")
def straße_läufer(stadt: str = "Zürich"):
    """Zählt Straßen."""


FLOW_SPEC = FlowSpec(
    flow=straße_läufer,
    docker_env="Base.Env",
    deployments=[
        FlowDeployment(deployment_name="Täglich & Wöchentlich"),
        FlowDeployment(deployment_name="1,000 Straßen"),
    ],
)
