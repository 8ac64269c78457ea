"""Train and publish the churn model."""
from datetime import date

from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec
from common.settings import CommonSettings

CS = CommonSettings()  # type: ignore

GPU_QUEUE = "gpu-" + CS.deployment_type_value(dev="small", staging="small", main="large")


@flow
async def train_churn_model(
    start: date | None = None,
    features: list[str] = ["tenure", "plan", "usage_30d"],
    epochs: int = 20,
    learning_rate: float = 1e-3,
):
    pass


FLOW_SPEC = FlowSpec(
    flow=train_churn_model,
    docker_env="ML_Training",
    deployments=[
        FlowDeployment(
            name="weekly-retrain",
            cron="0 3 * * MON",
            timezone="Europe/Berlin",
            work_pool_name="ml-gpu",
            work_queue_name=GPU_QUEUE,
            job_variables={"env": {"CUDA_VISIBLE_DEVICES": "0"}, "image_pull_policy": "Always"},
            parameters={"epochs": 50},
            tags=["ml"],
        ),
        FlowDeployment(
            name="fargate-smoke-test",
            work_pool_name="analytics-aws-ecs",
            parameters={"epochs": 1, "features": ["tenure"]},
            description="One epoch on Fargate to check the image.",
            version="1",
        ),
    ],
)
