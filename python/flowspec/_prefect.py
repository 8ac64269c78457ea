"""Checks for the Prefect objects a spec refers to, without importing Prefect.

flowspec has no dependencies, so a Prefect flow and a Prefect schedule are
recognised by what they are: an instance of ``prefect.Flow`` when Prefect is
importable, otherwise an object with the flow's ``fn`` and ``name``; a
schedule is an instance of a class named ``CronSchedule``,
``IntervalSchedule`` or ``RRuleSchedule``. A flow's parameter defaults must
be values Prefect's parameter schema can hold, as flowplan's extractor
requires.
"""

import inspect
from typing import Any, List

from ._json import not_jsonable_default
from ._model import ErrorDetail, Loc, _fail, _Invalid

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
    errors = _bad_parameter_defaults(value, loc)
    if errors:
        raise _Invalid(errors)
    return value


def _bad_parameter_defaults(flow, loc):
    # type: (Any, Loc) -> List[ErrorDetail]
    """Every parameter of the flow's function whose default Prefect's
    parameter schema cannot hold (see :func:`flowspec._json.not_jsonable_default`),
    as flowplan's extractor reports them."""
    fn = getattr(flow, "fn", None)
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    name = getattr(fn, "__name__", getattr(flow, "name", "?"))
    errors = []  # type: List[ErrorDetail]
    for p in params:
        if p.default is inspect.Parameter.empty:
            continue
        bad = not_jsonable_default(p.default)
        if bad is not None:
            errors.append(ErrorDetail(
                loc + (p.name,) + bad.parts,
                "flow %s: default of parameter %s%s cannot go into Prefect's parameter schema: %s"
                % (name, p.name, bad.path, bad.msg),
                "value_error.json"))
    return errors


def schedule_field(value, loc):
    # type: (Any, Loc) -> Any
    """One of Prefect's schedule objects, kept as given."""
    if type(value).__name__ in SCHEDULE_CLASSES:
        return value
    raise _fail(loc, "value is not a Prefect schedule (CronSchedule, IntervalSchedule or RRuleSchedule)",
                "type_error.schedule")
