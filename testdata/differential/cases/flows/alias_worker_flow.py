"""Aliasing in the worker era: FlowDeployment.parameters is a plain dict,
which pydantic keeps (so later changes through any name for it reach the
deployment), while job_variables is dict[str, Any], which it copies."""
from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec


@flow()
def aliased():
    pass


params = {"a": 1}
same = params
jobs = {"env": {"A": "1"}}
dep = FlowDeployment(name="aliased", parameters=params, job_variables=jobs)
same["b"] = 2
jobs["cpu"] = 1024  # does not reach: a new dict was built
jobs["env"]["B"] = "2"  # reaches: the inner dict is shared
FLOW_SPEC = FlowSpec(flow=aliased, docker_env="worker-env", deployments=[dep])
FLOW_SPEC.deployments[0].tags.append(FLOW_SPEC.docker_env)
FLOW_SPEC.deployments[0].description = "set " + "later"
