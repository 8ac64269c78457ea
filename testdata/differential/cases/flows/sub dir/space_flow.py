from prefect import flow

from common.deployment import FlowDeployment, FlowSecret, FlowSpec


@flow
def in_a_space():
    pass


FLOW_SPEC = FlowSpec(
    flow=in_a_space,
    docker_env="base",
    secrets=[FlowSecret(envar_name="TOKEN", secret_name="team/token"), {"envar_name": "DB", "secret_name": "db"}],
    deployments=[FlowDeployment(deployment_name="spaced")],
    schedul=None,
)
