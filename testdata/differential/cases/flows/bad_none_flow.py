"""Invalid: FLOW_SPEC = None."""
FLOW_SPEC = None
