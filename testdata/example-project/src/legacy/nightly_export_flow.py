from prefect import flow, task

from common.deployment import FlowDeployment, FlowSpec


@task()
def export_table(table: str):
    print(f"exporting {table}")


@flow()
def nightly_export(tables: list = ["events", "users"]):
    for table in tables:
        export_table(table)


FLOW_SPEC = FlowSpec(
    flow=nightly_export,
    docker_env="nope",
    deployments=[FlowDeployment(deployment_name="nightly")],
)
