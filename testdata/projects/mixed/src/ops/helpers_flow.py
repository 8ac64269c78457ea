"""Shared helpers that happen to match *_flow.py; no FLOW_SPEC, skipped."""


def retry_count() -> int:
    return 3
