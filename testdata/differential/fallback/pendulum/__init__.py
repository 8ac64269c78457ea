"""Fallback test stub of pendulum: durations and datetimes (UTC unless tz= is given)."""

import datetime as _dt
import zoneinfo as _zi


class Duration(_dt.timedelta):
    pass


def duration(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0):
    d = _dt.timedelta(days=days, seconds=seconds, microseconds=microseconds, milliseconds=milliseconds,
                      minutes=minutes, hours=hours, weeks=weeks)
    return Duration(d.days, d.seconds, d.microseconds)


def timezone(name):
    return _zi.ZoneInfo(name)


def datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0, tz="UTC"):
    tzinfo = None if tz is None else (_zi.ZoneInfo(tz) if isinstance(tz, str) else tz)
    return _dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tzinfo)


def parse(text, **options):
    """pendulum.parse for ISO 8601 text: a datetime in UTC unless the text has an offset."""
    if options:
        raise NotImplementedError("the fallback stub parses ISO 8601 text only")
    d = _dt.datetime.fromisoformat(text)
    return d if d.tzinfo is not None else d.replace(tzinfo=_zi.ZoneInfo("UTC"))


def now(tz="UTC"):
    """The fallback stub's now: the current time, in UTC unless tz is given."""
    zone = _zi.ZoneInfo(tz) if isinstance(tz, str) else tz
    return _dt.datetime.now(zone)
