from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow()
def o_neil_report():
    pass


FLOW_SPEC = FlowSpec(
    flow=o_neil_report,
    docker_env="Base.Env",
    deployments=[FlowDeployment(deployment_name="Mr. O'Neil's report v2.0")],
)
