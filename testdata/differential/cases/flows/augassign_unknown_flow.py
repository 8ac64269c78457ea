"""Statements that combine a value the extractor refuses (the iteration order
of a set) outside an expression: the names they bind become unknown, and the
file is still evaluated, since FLOW_SPEC does not use them."""
from prefect import flow

from common.deployment import FlowSpec

WORDS = list({"loud", "quiet"})
WORDS += ["!"]
FIRST, *REST = WORDS
FIRST += "?"
COUNTS = [0, 0]
COUNTS[WORDS.index("loud")] += 1
TOTAL: int = len(REST)
TOTAL *= 2
for WORD in {"x", "y"}:
    LAST = WORD


@flow
def augassign():
    pass


FLOW_SPEC = FlowSpec(flow=augassign, docker_env="base")
