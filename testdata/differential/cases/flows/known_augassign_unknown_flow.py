"""Known mismatch: an augmented assignment to a name whose value the extractor
refused ("ß".upper() needs special casing) crashes the evaluator with an internal
error, although FLOW_SPEC does not depend on that name. CPython: ok."""
from prefect import flow

from common.deployment import FlowSpec

SHOUT = "Straße".upper()
SHOUT += "!"


@flow
def augassign():
    pass


FLOW_SPEC = FlowSpec(flow=augassign, docker_env="base")
