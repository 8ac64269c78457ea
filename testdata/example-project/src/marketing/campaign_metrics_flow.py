"""Daily and hourly campaign metrics for the marketing dashboards."""
from datetime import timedelta

from prefect import flow, get_run_logger, task
from prefect.server.schemas.schedules import CronSchedule, IntervalSchedule

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec
from common.settings import CommonSettings
from shared.utils import SNOWFLAKE_SECRET_NAME, SqlJob, get_snowflake_connection

CS = CommonSettings()  # type: ignore

FLOW_NAME = "campaign-metrics"
TEAM = "marketing"
WAREHOUSE = CS.deployment_type_value(
    dev="PREFECT_WH_DEV", staging="PREFECT_WH_SMALL", main="PREFECT_WH_LARGE"
)

DAILY_JOB = SqlJob(
    sql_folder_name="campaign_metrics_daily",
    destination_table=f"{TEAM}_campaign_metrics_daily",
    warehouse=WAREHOUSE,
    lookback_days=3,
)
HOURLY_JOB = SqlJob(
    sql_folder_name="campaign_metrics_hourly",
    destination_table=f"{TEAM}_campaign_metrics_hourly",
    warehouse=WAREHOUSE,
)


@task(retries=2, retry_delay_seconds=60)
def extract(job: dict):
    import pandas as pd

    logger = get_run_logger()
    logger.info(f"running {job['sql_folder_name']} on {job['warehouse']}")
    with get_snowflake_connection(role="DATA_PRODUCTS") as conn:
        return pd.read_sql(f"select * from {job['destination_table']}", conn)


@task()
def publish(frame, table: str) -> int:
    frame.to_csv(f"/tmp/{table}.csv", index=False)
    return len(frame)


@flow(name=FLOW_NAME, description="Campaign metrics for the marketing dashboards")
def campaign_metrics(job: dict = DAILY_JOB.dict(), dry_run: bool = False, limit: int = 10_000):
    """Extract campaign metrics from Snowflake and publish them."""
    frame = extract(job)
    if not dry_run:
        publish(frame.head(limit), job["destination_table"])


FLOW_SPEC = FlowSpec(
    flow=campaign_metrics,
    docker_env="base",
    secrets=[
        FlowEnvar(envar_name="SNOWFLAKE_CREDENTIALS", envar_value=SNOWFLAKE_SECRET_NAME),
        FlowEnvar(
            envar_name="MARKETING_API_TOKEN",
            envar_value=f"data-flows/{CS.dev_or_production}/marketing-api-token",
        ),
    ],
    ephemeral_storage_gb=50,
    deployments=[
        FlowDeployment(
            deployment_name="daily",
            cpu=1024,
            memory="4096",
            parameters={"job": DAILY_JOB.dict(), "dry_run": not CS.is_production},
            schedule=CronSchedule(cron="30 6 * * *", timezone="America/Los_Angeles"),
            envars=[FlowEnvar(envar_name="LOG_LEVEL", envar_value="INFO")],
        ),
        FlowDeployment(
            deployment_name="hourly",
            parameters={"job": HOURLY_JOB.dict(), "limit": 500},
            schedule=IntervalSchedule(interval=timedelta(hours=1)),
        ),
        FlowDeployment(
            deployment_name=f"{FLOW_NAME} backfill",
            cpu="2048",
            memory="8192",
            parameters={"job": {**DAILY_JOB.dict(), "lookback_days": 30}},
        ),
    ],
)

if __name__ == "__main__":
    campaign_metrics(dry_run=True)
