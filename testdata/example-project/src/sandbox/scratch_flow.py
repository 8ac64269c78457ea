"""A flow being developed locally; it has no FLOW_SPEC yet, so it is not deployed."""
from prefect import flow


@flow()
def scratch(n: int = 3):
    return [i * i for i in range(n)]


if __name__ == "__main__":
    print(scratch())
