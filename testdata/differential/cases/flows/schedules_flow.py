"""Every schedule kind from every schedule module."""
import datetime
from datetime import date

from dateutil.parser import parse
from prefect import flow
from prefect.client.schemas.schedules import RRuleSchedule
from prefect.orion.schemas.schedules import IntervalSchedule
from prefect.server.schemas.schedules import CronSchedule

from common.deployment import FlowDeployment, FlowSpec


@flow
def scheduled(when: datetime.date = date(2024, 1, 31), every: datetime.timedelta = datetime.timedelta(days=2)):
    pass


FLOW_SPEC = FlowSpec(
    flow=scheduled,
    docker_env="base",
    deployments=[
        FlowDeployment(deployment_name="cron", schedule=CronSchedule(cron="0 3 * * 1-5")),
        FlowDeployment(deployment_name="cron-tz", schedule=CronSchedule(cron="*/15 * * * *", timezone="America/New_York", day_or=False)),
        FlowDeployment(deployment_name="interval", schedule=IntervalSchedule(interval=datetime.timedelta(days=1, seconds=30))),
        FlowDeployment(
            deployment_name="interval-anchored",
            schedule=IntervalSchedule(interval=datetime.timedelta(minutes=90), anchor_date=datetime.datetime(2023, 5, 1, 6, 30), timezone="Europe/Berlin"),
        ),
        FlowDeployment(deployment_name="interval-parsed", schedule=IntervalSchedule(interval=datetime.timedelta(weeks=1), anchor_date=parse("2024-02-03T04:05:06"))),
        FlowDeployment(deployment_name="rrule", schedule=RRuleSchedule(rrule="FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9", timezone="UTC")),
        FlowDeployment(deployment_name="none", schedule=None),
    ],
)
