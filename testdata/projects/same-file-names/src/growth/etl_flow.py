from prefect import flow

from common.deployment import FlowDeployment, FlowSpec

TEAM = "growth"


@flow()
def etl(source: str = f"{TEAM}_raw"):
    pass


FLOW_SPEC = FlowSpec(
    flow=etl,
    docker_env="base",
    deployments=[FlowDeployment(deployment_name=f"{TEAM} etl", parameters={"source": f"{TEAM}_events"})],
)
