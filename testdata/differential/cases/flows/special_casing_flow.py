"""str case methods with Unicode's full case mappings ("ß" -> "SS", "ﬁ" -> "FI",
"İ" -> "i̇"), the final sigma of lower() and Python's title() word rule."""
from prefect import flow

from common.deployment import FlowDeployment, FlowSpec


@flow
def special_casing():
    pass


FLOW_SPEC = FlowSpec(
    flow=special_casing,
    docker_env="base",
    deployments=[
        FlowDeployment(
            deployment_name="strasse",
            parameters={
                "up": "Straße".upper(),
                "title": "ﬁnal o'neil ǉubljana".title(),
                "lower": "İSTANBUL ΟΔΟΣ. ΣΑ".lower(),
                "cap": "ßAB".capitalize(),
                "swap": "Ⓐⓑ ΣΑΣ".swapcase(),
                "fold": "Maße Ꭰ".casefold(),
                "flags": ["ǅ".isupper(), "ª".islower()],
            },
        )
    ],
)
