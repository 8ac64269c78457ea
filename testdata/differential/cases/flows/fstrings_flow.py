"""f-strings with conversions and format specs, % and .format."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec

PI = 3.14159265
N = 1234567
NAME = "data"

LABELS = [
    f"{NAME!r}",
    f"{NAME!s:>10}",
    f"{PI:.2f}",
    f"{PI:10.3e}",
    f"{N:,}",
    f"{N:_x}",
    f"{N:#o}",
    f"{-N:+012d}",
    f"{0.5:%}",
    f"{NAME:*^12}",
    f"{N / 7:g}",
    f"{'nested ' + NAME.upper()}",
    f"{{braces}} {N}",
    "%s-%05d-%.3f" % (NAME, 42, PI),
    "%(a)s/%(b)r" % {"a": 1, "b": "two"},
    "{}-{:>4}-{name}".format("x", 7, name=NAME),
    "{0}{1}{0}".format("ab", "cd"),
]


@flow
def fstrings_demo():
    """Formats strings.

        Indented docstring line.
    """


FLOW_SPEC = FlowSpec(
    flow=fstrings_demo,
    docker_env="base",
    deployments=[FlowDeployment(deployment_name=f"fmt-{N % 100}", parameters={"labels": LABELS})],
)
