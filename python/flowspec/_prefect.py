"""Checks for the Prefect objects a spec refers to, without importing Prefect.

flowspec has no dependencies, so a Prefect flow and a Prefect schedule are
recognised by what they are: an instance of ``prefect.Flow`` when Prefect is
importable, otherwise an object with the flow's ``fn`` and ``name``; a
schedule is an instance of a class named ``CronSchedule``,
``IntervalSchedule`` or ``RRuleSchedule``.
"""

from typing import Any

from ._model import Loc, _fail

SCHEDULE_CLASSES = ("IntervalSchedule", "CronSchedule", "RRuleSchedule")


def _prefect_flow_class():
    # type: () -> Any
    try:
        from prefect import Flow  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Flow


def flow_field(value, loc):
    # type: (Any, Loc) -> Any
    """pydantic v1 arbitrary type ``Flow``: the object itself, unchanged."""
    flow_cls = _prefect_flow_class()
    if flow_cls is not None:
        ok = isinstance(value, flow_cls)
    else:
        ok = callable(getattr(value, "fn", None)) and isinstance(getattr(value, "name", None), str)
    if not ok:
        raise _fail(loc, "instance of Flow expected", "type_error.arbitrary_type",
                    {"expected_arbitrary_type": "Flow"})
    return value


def schedule_field(value, loc):
    # type: (Any, Loc) -> Any
    """One of Prefect's schedule objects, kept as given."""
    if type(value).__name__ in SCHEDULE_CLASSES:
        return value
    raise _fail(loc, "value is not a Prefect schedule (CronSchedule, IntervalSchedule or RRuleSchedule)",
                "type_error.schedule")
