"""Fallback stub of dateutil.rrule: rrulestr checks the string names a FREQ."""


def rrulestr(s, **kwargs):
    if "FREQ=" not in s.upper():
        raise ValueError("unsupported RRULE string: missing FREQ")
    return s
