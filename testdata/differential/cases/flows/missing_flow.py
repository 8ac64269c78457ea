"""No FLOW_SPEC here: reported as missing, not an error."""
from prefect import flow


@flow
def no_spec():
    pass
