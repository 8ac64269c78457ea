"""Star imports of the deployment models, of Prefect and of project modules."""
from common.deployment import *
from prefect import *

from shared.star_consts import *
from shared.star_public import *

HIDDEN = "the flow's own"
_PRIVATE = "the flow's own too"


@flow
def starred():
    pass


FLOW_SPEC = FlowSpec(
    flow=starred,
    docker_env="base",
    deployments=[
        FlowDeployment(
            deployment_name=f"{TEAM}-{REGION}",
            cpu="1024",
            memory=SIZES["large"],
            parameters={"hidden": HIDDEN, "private": _PRIVATE},
            envars=[FlowEnvar(envar_name="TEAM", envar_value=TEAM)],
        )
    ],
)
