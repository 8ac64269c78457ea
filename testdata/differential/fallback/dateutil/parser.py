"""Fallback stub of dateutil.parser: ISO 8601 strings only."""

import datetime


def parse(timestr, **kwargs):
    if kwargs:
        raise TypeError("the dateutil stub takes no options")
    s = timestr.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(s)


isoparse = parse
