"""The list and dict methods on a model's fields, and del, change the model."""
from prefect import flow

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec


@flow()
def methods():
    pass


a = FlowDeployment(deployment_name="a", parameters={"keep": 1, "drop": 2})
b = FlowDeployment(deployment_name="b")
FLOW_SPEC = FlowSpec(flow=methods, docker_env="base", deployments=[a, b])
FLOW_SPEC.deployments.insert(0, FlowDeployment(deployment_name="first"))
FLOW_SPEC.deployments.extend([FlowDeployment(deployment_name="c"), FlowDeployment(deployment_name="d")])
last = FLOW_SPEC.deployments.pop()
FLOW_SPEC.deployments.remove(FLOW_SPEC.deployments[1])
FLOW_SPEC.deployments.reverse()
del FLOW_SPEC.deployments[0]
FLOW_SPEC.deployments.append(last)
params = FLOW_SPEC.deployments[-1].parameters
params.update({"from_update": [1, 2]}, extra=True)
params.setdefault("defaulted", "x")
params.setdefault("from_update", "not used")
FLOW_SPEC.deployments[0].parameters["n"] = len(FLOW_SPEC.deployments)
b.parameters.update(a.parameters)
del b.parameters["drop"]
b.envars.append(FlowEnvar(envar_name="B", envar_value="b"))
FLOW_SPEC.deployments[0].envars.extend(b.envars)
FLOW_SPEC.secrets.insert(0, FlowEnvar(envar_name="S", envar_value="s"))
FLOW_SPEC.secrets.pop(0)
FLOW_SPEC.envars.append(FlowEnvar(envar_name="E", envar_value=FLOW_SPEC.deployments[0].deployment_name))
