from prefect import flow
from prefect.server.schemas.schedules import CronSchedule

from common.deployment import FlowDeployment, FlowSpec


@flow(name="weekly report")
def weekly_report(week_start: str = "monday", recipients: list = []):
    """Send the weekly report."""


FLOW_SPEC = FlowSpec(
    flow=weekly_report,
    docker_env="base",
    deployments=[
        FlowDeployment(
            deployment_name="weekly",
            schedule=CronSchedule(cron="0 8 * * 1", timezone="Europe/Berlin"),
            parameters={"recipients": ["team@example.com"]},
        )
    ],
)
