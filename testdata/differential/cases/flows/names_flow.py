"""Names, annotated and augmented assignments, rebinding, __main__ blocks, aliases."""
import os
from datetime import timedelta as td

import prefect as pf
from common.deployment import FlowDeployment as Dep
from common.deployment import FlowEnvar, FlowSpec as Spec
from prefect.server.schemas.schedules import IntervalSchedule

COUNT: int = 3
COUNT += 4
COUNT *= 2
PREFIX = "a"
PREFIX = PREFIX + "b"
TAGS = ["x"]
TAGS += ["y"]
WORDS = "  Hello World  ".strip().lower().split()
JOINED = "-".join(WORDS)
TEAM = os.getenv("TEAM", "nobody")
POOL = os.environ.get("MISSING_VAR_XYZ", "fallback")


@pf.flow(description="described")
def names_flow(count: "int" = COUNT):
    pass


DEPLOYMENTS = [
    Dep(
        deployment_name=f"{JOINED}-{i}",
        parameters={"count": COUNT * i, "prefix": PREFIX, "tags": TAGS, "team": TEAM, "pool": POOL},
        schedule=IntervalSchedule(interval=td(hours=i, minutes=30)),
    )
    for i in range(1, 3)
]

SPEC = Spec(flow=names_flow, docker_env="base", deployments=DEPLOYMENTS,
            envars=[FlowEnvar(envar_name="TEAM", envar_value=TEAM)])
FLOW_SPEC = SPEC

if __name__ == "__main__":
    FLOW_SPEC = None
    names_flow()
