"""Daily KPI report for the leadership dashboard."""
from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec
from shared.settings import AWS_POOL

REPORT_NAMES = ("revenue", "retention", "activation")


@flow(description="Builds the daily KPI tables")
def daily_kpis(reports: list[str] = list(REPORT_NAMES), notify: bool = True):
    """Docstring is overridden by the description."""


FLOW_SPEC = FlowSpec(
    flow=daily_kpis,
    docker_env="base",
    deployments=[
        FlowDeployment(name="daily", cron="30 7 * * *", work_pool_name=AWS_POOL),
        *[
            FlowDeployment(
                name=f"{name}-only",
                work_pool_name=AWS_POOL,
                parameters={"reports": [name], "notify": False},
            )
            for name in REPORT_NAMES[:2]
        ],
    ],
)
