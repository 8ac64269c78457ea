"""Test stub of Prefect 2.10's schedule models (prefect.server.schemas.schedules).

Each is a pydantic v1 model in Prefect; here they are flowspec models with the
same fields, defaults, coercions and validations: positive intervals, IANA
timezones (zoneinfo), parseable rrules (dateutil), extra fields forbidden,
and cron strings checked the way croniter's is_valid accepts them (croniter
itself is not installed; _cron_ok below follows its grammar: 5 fields, a 6th
for seconds, a 7th for the year, or an @-macro).
"""

import datetime
import warnings
import zoneinfo

from flowspec._model import ErrorDetail, Field, Model, ValidationError, _fail, _Invalid, bool_field, fields, str_field

_TIMEZONES = frozenset(zoneinfo.available_timezones())


class _Schedule(Model):
    @classmethod
    def __get_validators__(cls):
        """As a field of a pydantic v1 model (the real common.deployment's):
        an instance as it is, a dict built into one."""

        def validate(v):
            if isinstance(v, cls):
                return v
            if isinstance(v, dict):
                return cls(**v)
            raise TypeError("value is not a valid %s" % cls.__name__)

        yield validate

    def __init__(self, **data):
        extra = [k for k in data if k not in type(self)._fields]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                super(_Schedule, self).__init__(**data)
                errors = []
            except ValidationError as e:
                errors = list(e.raw_errors)
        errors += [ErrorDetail((k,), "extra fields not permitted", "value_error.extra") for k in extra]
        if errors:
            raise ValidationError(errors, type(self))


def _timezone(value, loc):
    v = str_field(value, loc)
    if v and v not in _TIMEZONES:
        raise _Invalid([ErrorDetail(loc, 'Invalid timezone: "%s"' % v, "value_error")])
    return v


def _interval(value, loc):
    if isinstance(value, datetime.timedelta):
        v = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        v = datetime.timedelta(seconds=value)
    else:
        raise _fail(loc, "invalid duration format", "value_error.duration")
    if v.total_seconds() <= 0:
        raise _Invalid([ErrorDetail(loc, "The interval must be positive", "value_error")])
    return v


def _datetime(value, loc):
    # Prefect's validator makes it pendulum.instance(value): a naive datetime is taken as UTC
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
        return value
    raise _fail(loc, "invalid datetime format", "value_error.datetime")


def _rrule(value, loc):
    v = str_field(value, loc)
    import dateutil.rrule

    try:
        dateutil.rrule.rrulestr(v, cache=True)
    except ValueError as exc:
        raise _Invalid([ErrorDetail(loc, 'Invalid RRule string "%s": %s' % (v, exc), "value_error")])
    if len(v) > 6500:
        raise _Invalid([ErrorDetail(loc, "Max length is 6500, got %d" % len(v), "value_error")])
    return v


_CRON_MACROS = {"@midnight", "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# (low, high, names starting at low) per field: minute, hour, day of month,
# month, day of week, second, year
_CRON_FIELDS = [(0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 7, _DAYS), (0, 59, None), (1970, 2099, None)]


def _cron_value(tok, lo, hi, names):
    tok = tok.lower()
    if names and tok in names:
        return names.index(tok) + lo
    if not tok.isdigit():
        return None
    v = int(tok)
    return v if lo <= v <= hi else None


def _cron_term(term, i):
    lo, hi, names = _CRON_FIELDS[i]
    base, _, step = term.partition("/")
    if step and (not step.isdigit() or int(step) == 0):
        return False
    if base in ("*", "?"):
        return True
    if i == 2 and base.upper() == "L":
        return True
    if i == 4 and "#" in base:
        day, _, nth = base.partition("#")
        return _cron_value(day, lo, hi, names) is not None and nth.isdigit() and 1 <= int(nth) <= 5
    if i == 4 and base.upper().endswith("L") and len(base) > 1:
        return _cron_value(base[:-1], lo, hi, names) is not None
    a, dash, b = base.partition("-")
    if _cron_value(a, lo, hi, names) is None:
        return False
    return not dash or _cron_value(b, lo, hi, names) is not None


def _cron_ok(expr):
    fields = expr.split()
    if len(fields) == 1 and fields[0].lower() in _CRON_MACROS:
        return True
    if not 5 <= len(fields) <= 7:
        return False
    return all(all(_cron_term(t, i) for t in f.split(",")) for i, f in enumerate(fields))


def _cron(value, loc):
    v = str_field(value, loc)
    if not _cron_ok(v):
        raise _Invalid([ErrorDetail(loc, 'Invalid cron string: "%s"' % v, "value_error")])
    if any(c.casefold() in ("r", "h") for c in v.split()):
        raise _Invalid([ErrorDetail(loc, 'Random and Hashed expressions are unsupported, recieved: "%s"' % v, "value_error")])
    return v


class CronSchedule(_Schedule):
    _fields = fields(
        ("cron", Field(_cron)),
        ("timezone", Field(_timezone, default=None)),
        ("day_or", Field(bool_field, default=True)),
    )


class IntervalSchedule(_Schedule):
    _fields = fields(
        ("interval", Field(_interval)),
        ("anchor_date", Field(_datetime, default=None)),
        ("timezone", Field(_timezone, default=None)),
    )

    def __init__(self, **data):
        super(IntervalSchedule, self).__init__(**data)
        # Prefect infers the timezone from the anchor date (UTC when the anchor
        # is naive, has a bare offset, or is left to default to "now" in UTC).
        if self.timezone is None:
            tz = None
            if self.anchor_date is not None and self.anchor_date.tzinfo is not None:
                tz = getattr(self.anchor_date.tzinfo, "key", None)
            self.timezone = tz if tz in _TIMEZONES else "UTC"


class RRuleSchedule(_Schedule):
    _fields = fields(
        ("rrule", Field(_rrule)),
        ("timezone", Field(_timezone, default=None)),
    )

    def __init__(self, **data):
        super(RRuleSchedule, self).__init__(**data)
        if self.timezone is None:
            self.timezone = "UTC"
