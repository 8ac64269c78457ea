"""Literals, containers, implicit concatenation and string prefixes."""
from prefect import flow

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec

NAME = "lit" "erals"
RAW = r"C:\path\n"
BYTES_LEN = len(b"abc")
BIG = 2**70
NEG = -17 // 5
FLOATS = [1.5, 1e20, 1e-7, 0.1 + 0.2, 3.0, -0.0, 1 / 3]
NESTED = {"a": [1, (2, 3)], "b": {"c": None, "d": True}, 3: "three", 1.5: "x", None: 0, False: "f"}
UNI = "Straße ✓ 日本"


@flow(name="literal-flow")
def literals(a: int = 1, b: str = "x", c: list = [1, 2], *, d: float = 0.5):
    pass


FLOW_SPEC = FlowSpec(
    flow=literals,
    docker_env="base",
    envars=[FlowEnvar(envar_name="RAW", envar_value=RAW)],
    deployments=[
        FlowDeployment(
            deployment_name=NAME,
            cpu=1024,
            memory=2048,
            parameters={"floats": FLOATS, "nested": NESTED, "big": BIG, "neg": NEG, "uni": UNI, "n": BYTES_LEN},
        )
    ],
)
