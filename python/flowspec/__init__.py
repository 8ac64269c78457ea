"""flowspec: declare how a Prefect flow is deployed, in a form flowplan reads statically.

A flow file assigns a module global ``FLOW_SPEC``::

    from flowspec import FlowDeployment, FlowEnvar, FlowSpec
    from prefect import flow

    @flow
    def my_flow(): ...

    FLOW_SPEC = FlowSpec(
        flow=my_flow,
        docker_env="base",
        secrets=[FlowSecret(envar_name="TOKEN", secret_name="team/token")],
        deployments=[FlowDeployment(deployment_name="daily", cpu=1024)],
    )

The models have the fields, defaults, coercions and validation errors of the
``common.deployment`` models (pydantic v1) that flowplan's extractor
reproduces: ``str`` fields turn numbers into strings, ``StrictStr`` fields
accept only strings, unknown keyword arguments are ignored with a warning,
and a missing or invalid field raises :class:`ValidationError`.

The worker-era (work pool) models are in :mod:`flowspec.worker`.
"""

from ._model import ErrorDetail, Field, Model, UnknownFieldWarning, ValidationError, duplicate_names, fields
from ._model import bool_field, fargate_size, int_field, json_dict_field, list_field, model_field, str_field, strict_str_field, union_field
from ._prefect import flow_field, schedule_field
from ._slug import slugify

__all__ = [
    "FlowDeployment",
    "FlowEnvar",
    "FlowSecret",
    "FlowSpec",
    "ValidationError",
    "ErrorDetail",
    "UnknownFieldWarning",
    "slugify",
]

__version__ = "0.1.0"


class FlowEnvar(Model):
    """An environment variable of the flow's ECS task: a name and a plain-text value.

    Both fields are ``StrictStr``: numbers are rejected, not converted.
    """

    _fields = fields(
        ("envar_name", Field(strict_str_field)),
        ("envar_value", Field(strict_str_field)),
    )


class FlowSecret(Model):
    """A secret for the flow's ECS task: the variable name and the Secrets Manager
    secret name (not the ARN; the deployment builds the ARN). Both ``StrictStr``.

    This is the first agent era's model; ``FlowSpec.secrets`` also takes a
    :class:`FlowEnvar` whose ``envar_value`` is the secret name.
    """

    _fields = fields(
        ("envar_name", Field(strict_str_field)),
        ("secret_name", Field(strict_str_field)),
    )


class FlowDeployment(Model):
    """One Prefect deployment of the flow.

    Fields: ``deployment_name`` (required), ``cpu`` = ``"256"``, ``memory`` = ``"512"``
    (numbers become strings; together a task size AWS Fargate runs, in CPU units
    and MiB: ``cpu="1024", memory="4096"``), ``parameters`` = ``{}`` (keys become strings;
    the values must be JSON-serializable: no sets, dates, bytes, NaN...),
    ``schedule`` = ``None`` (a Prefect ``CronSchedule``, ``IntervalSchedule`` or
    ``RRuleSchedule``), ``envars`` = ``[]`` (:class:`FlowEnvar` or dicts).
    """

    _fields = fields(
        ("deployment_name", Field(str_field)),
        ("cpu", Field(str_field, default="256")),
        ("memory", Field(str_field, default="512")),
        ("parameters", Field(json_dict_field(str_keys=True), default_factory=dict)),
        ("schedule", Field(schedule_field, default=None)),
        ("envars", Field(list_field(model_field(FlowEnvar)), default_factory=list)),
    )

    @classmethod
    def _check_fields(cls, values):
        return fargate_size(values["cpu"], values["memory"])


class FlowSpec(Model):
    """How one flow is deployed.

    Fields: ``flow`` (required, a Prefect flow), ``docker_env`` (required, a key of
    ``[tool.prefect.envs]``), ``secrets`` = ``[]`` (:class:`FlowEnvar` or :class:`FlowSecret`), ``envars`` = ``[]`` (defaults for
    every deployment; a deployment's own value wins), ``ephemeral_storage_gb`` = ``20``
    (an int with ``19 < x < 201``), ``deployments`` = ``[]``, ``is_agent`` = ``True``
    (``False`` hands the flow to the worker-era tooling: the agent-era plan skips it).

    Each deployment is named by the slug of its ``deployment_name``
    (:func:`slugify`), so two deployments whose names have the same slug
    are an error, as are flow parameter defaults that Prefect's parameter
    schema cannot hold.
    """

    _fields = fields(
        ("flow", Field(flow_field)),
        ("secrets", Field(list_field(union_field(model_field(FlowEnvar), model_field(FlowSecret))),
                          default_factory=list)),
        ("envars", Field(list_field(model_field(FlowEnvar)), default_factory=list)),
        ("docker_env", Field(strict_str_field)),
        ("ephemeral_storage_gb", Field(int_field(gt=19, lt=201), default=20)),
        ("deployments", Field(list_field(model_field(FlowDeployment)), default_factory=list)),
        ("is_agent", Field(bool_field, default=True)),
    )

    @classmethod
    def _check_fields(cls, values):
        return duplicate_names(values["deployments"], "deployment_name", slugify)
