"""Test stub of Prefect 2.10's schedule models (prefect.server.schemas.schedules).

Each is a pydantic v1 model in Prefect; here they are flowspec models with the
same fields, defaults, coercions and the validations that need no third-party
package: positive intervals, IANA timezones (zoneinfo), parseable rrules
(dateutil), and extra fields forbidden. The cron string's syntax is not
checked (Prefect uses croniter, which is not installed).
"""

import datetime
import warnings
import zoneinfo

from flowspec._model import ErrorDetail, Field, Model, ValidationError, _fail, _Invalid, bool_field, fields, str_field

_TIMEZONES = frozenset(zoneinfo.available_timezones())


class _Schedule(Model):
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
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
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


class CronSchedule(_Schedule):
    _fields = fields(
        ("cron", Field(str_field)),
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
