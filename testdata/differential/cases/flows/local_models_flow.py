"""A project-local pydantic model, inheritance and .dict()."""
from prefect import flow
from shared.models import REGION, DailyJob, SqlJob

from common.deployment import FlowDeployment, FlowSpec

JOB = SqlJob(sql_template_path="q.sql", kwargs={"region": REGION})
DAILY = DailyJob(sql_template_path="d.sql", batch_size=500)


@flow
def local_models(job: SqlJob = JOB):
    pass


FLOW_SPEC = FlowSpec(
    flow=local_models,
    docker_env="base",
    deployments=[
        FlowDeployment(deployment_name="job", parameters={"job": JOB.dict()}),
        FlowDeployment(deployment_name="daily", parameters={"job": DAILY.dict(), "hour": DAILY.schedule_hour}),
    ],
)
