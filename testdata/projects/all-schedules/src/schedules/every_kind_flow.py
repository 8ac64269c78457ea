from datetime import datetime, timedelta

from prefect import flow
from prefect.server.schemas.schedules import CronSchedule, IntervalSchedule, RRuleSchedule

from common.deployment import FlowDeployment, FlowSpec


@flow()
def every_kind(run_label: str = "scheduled"):
    pass


FLOW_SPEC = FlowSpec(
    flow=every_kind,
    docker_env="base",
    deployments=[
        FlowDeployment(
            deployment_name="cron-tz",
            schedule=CronSchedule(cron="15 4 1,15 * mon", timezone="America/New_York", day_or=False),
        ),
        FlowDeployment(
            deployment_name="interval-days",
            schedule=IntervalSchedule(
                interval=timedelta(days=2, hours=6),
                anchor_date=datetime(2024, 1, 1, 3, 30),
                timezone="Europe/London",
            ),
        ),
        FlowDeployment(
            deployment_name="interval-minutes",
            schedule=IntervalSchedule(interval=timedelta(minutes=90)),
        ),
        FlowDeployment(
            deployment_name="rrule-tz",
            schedule=RRuleSchedule(
                rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=0",
                timezone="Asia/Tokyo",
            ),
        ),
        FlowDeployment(deployment_name="unscheduled"),
    ],
)
