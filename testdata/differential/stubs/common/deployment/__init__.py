"""Test stub: common.deployment is flowspec's agent-era models."""

from flowspec import FlowDeployment, FlowEnvar, FlowSecret, FlowSpec

__all__ = ["FlowDeployment", "FlowEnvar", "FlowSecret", "FlowSpec"]
