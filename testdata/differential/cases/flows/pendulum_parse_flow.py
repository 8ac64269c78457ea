"""pendulum.parser.parse gives an interval schedule's anchor date (data-flows' sql_etl did)."""
from datetime import timedelta

import pendulum
from pendulum.parser import parse
from prefect import flow
from prefect.server.schemas.schedules import IntervalSchedule

from common.deployment import FlowDeployment, FlowSpec


@flow()
def anchored():
    pass


FLOW_SPEC = FlowSpec(
    flow=anchored,
    docker_env="base",
    deployments=[
        FlowDeployment(
            deployment_name="anchored",
            schedule=IntervalSchedule(interval=timedelta(hours=1), anchor_date=parse("2023-06-27 01:00:00")),
        ),
        FlowDeployment(
            deployment_name="anchored-t",
            schedule=IntervalSchedule(interval=timedelta(days=1), anchor_date=pendulum.parse("2023-06-27T01:30:00Z")),
        ),
    ],
)
