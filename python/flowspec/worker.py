"""Worker-era models: deployments to Prefect work pools (``common.deployment.worker``).

``FlowSpec(flow, docker_env, deployments=[], is_agent=False)`` where
``docker_env`` is a key of ``[tool.prefect.docker]``, and ``FlowDeployment`` has
``name`` (required), ``cron`` = ``None``, ``timezone`` = ``"UTC"``,
``parameters`` = ``{}``, ``description`` = ``None``, ``tags`` = ``[]``,
``version`` = ``None``, ``enforce_parameter_schema`` = ``False``,
``work_pool_name`` = env ``DF_CONFIG_DEFAULT_WORK_POOL`` or
``"mozilla-aws-ecs-fargate"``, ``work_queue_name`` = ``"default"`` and
``job_variables`` = ``{}``; ``parameters`` and ``job_variables`` must be
JSON-serializable. A spec with ``is_agent=True`` is skipped by the
worker-era deployment, as in the original.
"""

import os

from ._model import (
    Field,
    Model,
    bool_field,
    duplicate_names,
    fields,
    json_dict_field,
    list_field,
    model_field,
    str_field,
    strict_str_field,
)
from ._prefect import flow_field

__all__ = ["FlowDeployment", "FlowSpec", "DEFAULT_WORK_POOL_ENV", "FALLBACK_WORK_POOL", "default_work_pool"]

DEFAULT_WORK_POOL_ENV = "DF_CONFIG_DEFAULT_WORK_POOL"
FALLBACK_WORK_POOL = "mozilla-aws-ecs-fargate"


def default_work_pool():
    # type: () -> str
    """The work pool a deployment uses when it names none."""
    return os.environ.get(DEFAULT_WORK_POOL_ENV, FALLBACK_WORK_POOL)


class FlowDeployment(Model):
    """One Prefect deployment of the flow, run by a work pool."""

    _fields = fields(
        ("name", Field(str_field)),
        ("cron", Field(str_field, default=None)),
        ("timezone", Field(str_field, default="UTC")),
        ("parameters", Field(json_dict_field(str_keys=False), default_factory=dict)),
        ("description", Field(str_field, default=None)),
        ("tags", Field(list_field(str_field), default_factory=list)),
        ("version", Field(str_field, default=None)),
        ("enforce_parameter_schema", Field(bool_field, default=False)),
        ("work_pool_name", Field(str_field, default_factory=default_work_pool)),
        ("work_queue_name", Field(str_field, default="default")),
        ("job_variables", Field(json_dict_field(str_keys=True), default_factory=dict)),
    )


class FlowSpec(Model):
    """How one flow is deployed to work pools.

    The worker era writes each deployment's name into prefect.yaml as it
    is, so two deployments with the same ``name`` are an error.
    """

    _fields = fields(
        ("flow", Field(flow_field)),
        ("docker_env", Field(strict_str_field)),
        ("deployments", Field(list_field(model_field(FlowDeployment)), default_factory=list)),
        ("is_agent", Field(bool_field, default=False)),
    )

    @classmethod
    def _check_fields(cls, values):
        return duplicate_names(values["deployments"], "name", lambda name: name)
