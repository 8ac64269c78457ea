"""Known mismatch: Prefect 2.10.6's RRuleSchedule turns timezone=None into "UTC"
(its timezone validator runs with always=True); the extractor lifts null."""
from prefect import flow
from prefect.server.schemas.schedules import RRuleSchedule

from common.deployment import FlowDeployment, FlowSpec


@flow
def rrule_tz():
    pass


FLOW_SPEC = FlowSpec(
    flow=rrule_tz,
    docker_env="base",
    deployments=[FlowDeployment(deployment_name="weekly", schedule=RRuleSchedule(rrule="FREQ=WEEKLY"))],
)
