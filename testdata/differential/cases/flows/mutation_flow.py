"""Models changed after they are built: pydantic v1's rules decide what
reaches the spec. A typed list or dict field gets a new container when the
model is built, a model given for a field is copied but shares its
__dict__, assignment is not validated, and a field's own list is the
model's."""
from prefect import flow

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec


@flow()
def mutation():
    pass


deps = [FlowDeployment(deployment_name="a")]
params = {"ids": [1]}
shared = FlowDeployment(deployment_name="shared", parameters=params)
FLOW_SPEC = FlowSpec(flow=mutation, docker_env="base", ephemeral_storage_gb=40, deployments=deps + [shared])
FLOW_SPEC.deployments.append(FlowDeployment(deployment_name="x"))
FLOW_SPEC.ephemeral_storage_gb = 150
deps.append(FlowDeployment(deployment_name="late"))  # the spec has its own list
params["ids"].append(2)  # a new dict, but the same list inside it
params["extra"] = True  # does not reach the deployment's dict
shared.cpu = "1024"  # the spec's copy shares this instance's __dict__
shared.memory = "2048"
FLOW_SPEC.secrets.append(FlowEnvar(envar_name="TOKEN", envar_value="tok/en"))
setattr(FLOW_SPEC.deployments[0], "memory", "1024")
FLOW_SPEC.deployments[0].parameters["read_back"] = FLOW_SPEC.docker_env + str(len(FLOW_SPEC.deployments))
FLOW_SPEC.envars += [FlowEnvar(envar_name="LEVEL", envar_value="info")]
FLOW_SPEC.deployments[-1].parameters.update({"n": getattr(FLOW_SPEC, "ephemeral_storage_gb") // 10})
alias = FLOW_SPEC.deployments[1].parameters
alias.setdefault("via_alias", "yes")
