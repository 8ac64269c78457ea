"""Publish candidate sets for every New Tab feed."""
from prefect import flow

from common.deployment.worker import FlowDeployment, FlowSpec
from shared.kinds import (
    Cadence,
    CandidateSetConfig,
    CandidateType,
    NewTabFeedID,
    Priority,
    StoredConfig,
    Surface,
)


@flow
def publish_candidates(
    candidate_type: CandidateType = CandidateType.prospect,
    feed_id: NewTabFeedID = NewTabFeedID.en_US,
    surface: Surface = Surface.HOME,
    cadence: Cadence = Cadence.daily,
):
    """Publish one candidate set."""


def deployment(kind: CandidateType, cadence: Cadence) -> FlowDeployment:
    config = CandidateSetConfig(type=kind.value, feeds=[1, NewTabFeedID.en_GB], label=NewTabFeedID.de_DE)
    stored = StoredConfig(type=kind, feeds=list(NewTabFeedID), priority=Priority.HIGH)
    return FlowDeployment(
        name=f"{kind.value}-{cadence.name}",
        cron=cadence.value,
        description=cadence.describe(),
        parameters={
            "candidate_type": kind,
            "feed_ids": [f for f in NewTabFeedID if f != NewTabFeedID.de_DE],
            "queue": kind.queue,
            "surface": config.surface,
            "priority": stored.priority,
            "config": config.dict(),
            "stored": stored.dict(),
            "by_feed": {feed.name: feed for feed in NewTabFeedID},
            "keyed": {kind: len(CandidateType)},
        },
        tags=[kind, Surface.NEW_TAB, f"{Priority.HIGH}", str(kind)],
        version=str(NewTabFeedID.en_GB.value),
    )


FLOW_SPEC = FlowSpec(
    flow=publish_candidates,
    docker_env="base",
    deployments=[deployment(kind, cadence) for kind in CandidateType for cadence in Cadence],
)
