"""Comprehensions, builtins, slices, conditionals and boolean operators."""
from prefect import flow

from common.deployment import FlowDeployment, FlowEnvar, FlowSpec
from common.settings import CommonSettings

SETTINGS = CommonSettings()
TABLES = ["users", "orders", "events", "sessions"]
SIZES = {t: len(t) * 10 for t in TABLES if t != "events"}
PAIRS = [[i, t] for i, t in enumerate(sorted(TABLES, reverse=True))]
ZIPPED = dict(zip(TABLES[::2], range(100, 104)))
STATS = [min(SIZES.values()), max(SIZES.values()), sum(SIZES.values()), abs(-3), round(2.675, 2), round(7.5)]
PICK = TABLES[1:3] + TABLES[-1:]
FLAG = SETTINGS.is_production or len(TABLES) > 3 and not False
ENV = SETTINGS.deployment_type_value(dev="d", staging="s", main="m")
MODE = "big" if len(TABLES) >= 4 else "small"
KEYS = list(SIZES.keys())
ITEMS = [f"{k}={v}" for k, v in SIZES.items()]
IDX = TABLES.index("orders") + TABLES.count("users")


@flow()
def comprehensions():
    pass


FLOW_SPEC = FlowSpec(
    flow=comprehensions,
    docker_env="heavy",
    ephemeral_storage_gb=50 + IDX,
    secrets=[FlowEnvar(envar_name=f"SECRET_{t.upper()}", envar_value=f"{SETTINGS.dev_or_production}/{t}") for t in TABLES[:2]],
    deployments=[
        FlowDeployment(
            deployment_name=f"{t}-{SETTINGS.deployment_type}",
            cpu="2048",
            memory=str(4096 + SIZES.get(t, 0) // 10 * 1024),
            parameters={"table": t, "sizes": SIZES, "pairs": PAIRS, "zipped": ZIPPED, "stats": STATS,
                        "pick": PICK, "flag": FLAG, "env": ENV, "mode": MODE, "keys": KEYS, "items": ITEMS},
        )
        for t in TABLES
        if t in SIZES
    ],
)
