"""Enum members in a spec, as shared/api_clients/sqs.py declares them."""
from enum import Enum, IntEnum
from typing import List

from prefect import flow
from pydantic import BaseModel

from common.deployment import FlowDeployment, FlowSpec


class CandidateType(str, Enum):
    prospect = "prospect"
    recommendation = "recommendation"


class NewTabFeedID(int, Enum):
    en_US = 1
    de_DE = 3


class Level(IntEnum):
    low = 1
    high = 2


class CandidateSet(BaseModel):
    type: CandidateType
    feeds: List[NewTabFeedID] = []
    version: str = Level.high


@flow
def publish(kind: CandidateType = CandidateType.recommendation, feed: NewTabFeedID = NewTabFeedID.de_DE):
    pass


SETS = [CandidateSet(type=t, feeds=[f.value for f in NewTabFeedID]) for t in CandidateType]

FLOW_SPEC = FlowSpec(
    flow=publish,
    docker_env="base",
    deployments=[
        FlowDeployment(
            deployment_name=f"{s.type.value}-{len(NewTabFeedID)}",
            parameters={"set": s.dict(), "kind": s.type, "label": str(s.type), "feed": NewTabFeedID(3)},
        )
        for s in SETS
    ],
)
