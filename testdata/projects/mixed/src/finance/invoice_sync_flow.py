"""Agent era: sync invoices from the billing system every night."""
from prefect import flow
from prefect.server.schemas.schedules import CronSchedule

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec


@flow()
def invoice_sync(days_back: int = 1):
    """Copy the last days of invoices into the warehouse."""


FLOW_SPEC = FlowSpec(
    flow=invoice_sync,
    docker_env="base",
    secrets=[FlowEnvar(envar_name="BILLING_API_KEY", envar_value="revenue-ops/billing-api-key")],
    deployments=[
        FlowDeployment(
            deployment_name="nightly",
            cpu="512",
            memory="2048",
            schedule=CronSchedule(cron="0 1 * * *", timezone="America/New_York"),
            envars=[FlowEnvar(envar_name="BILLING_REGION", envar_value="us")],
        ),
    ],
)
