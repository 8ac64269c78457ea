"""Test stub: common.deployment.worker is flowspec's worker-era models."""

from flowspec.worker import FlowDeployment, FlowSpec

__all__ = ["FlowDeployment", "FlowSpec"]
