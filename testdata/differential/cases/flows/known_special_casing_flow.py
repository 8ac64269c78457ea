"""Known refusal: str.upper()/lower()/title() of characters with Unicode special
casing ("ß" -> "SS", "ﬁ" -> "FI", "İ" -> "i̇") is refused by the extractor with a
positioned "cannot know statically" error; CPython computes it."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow
def special_casing():
    pass


FLOW_SPEC = FlowSpec(
    flow=special_casing,
    docker_env="base",
    deployments=[FlowDeployment(deployment_name="strasse", parameters={"up": "Straße".upper()})],
)
