"""Deployments built by helper functions: defaults, keywords, closures,
loops, early returns, recursion, a decorator and lambdas, as real projects
write them."""
from prefect import flow
from prefect.server.schemas.schedules import CronSchedule

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec

SIZES = {"small": ("512", "1024"), "large": ("2048", "8192")}
REGISTRY = []


def register(fn):
    REGISTRY.append(fn.__name__)
    return fn


def sized(size="small", **params):
    cpu, memory = SIZES[size]
    return {"cpu": cpu, "memory": memory, "parameters": dict(sorted(params.items()))}


@register
def deployment(name, *, cron=None, size="small", envars=(), **params):
    kwargs = sized(size, **params)
    if cron is not None:
        kwargs["schedule"] = CronSchedule(cron=cron)
    return FlowDeployment(deployment_name=name, envars=[FlowEnvar(envar_name=k, envar_value=v) for k, v in envars], **kwargs)


def every(hours):
    def cron():
        if hours >= 24:
            return "0 0 * * *"
        return f"0 */{hours} * * *"
    return cron()


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def first_big(tables):
    for t in tables:
        if len(t) > 5:
            return t
    else:
        return None


TABLES = ["users", "orders", "sessions"]


@flow()
def helpers():
    pass


FLOW_SPEC = FlowSpec(
    flow=helpers,
    docker_env="base",
    deployments=sorted(
        [deployment(f"{t}-daily", cron=every(24), table=t, n=fib(10)) for t in TABLES]
        + [deployment("hourly", cron=every(2), size="large", envars=[("LEVEL", "debug")], biggest=first_big(TABLES))],
        key=lambda d: (len(d.deployment_name), d.deployment_name),
        reverse=True,
    ),
)
FLOW_SPEC.deployments[0].parameters["registered"] = list(REGISTRY)
