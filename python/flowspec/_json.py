"""What Prefect must store as JSON, checked the way flowplan's extractor checks it.

A deployment's ``parameters`` (and a worker deployment's ``job_variables``)
are sent to Prefect as JSON, and a flow's parameter defaults go into
Prefect's parameter schema. pydantic v1 accepts any value there; the
original tool only failed when it deployed. flowplan's extractor refuses
such a spec, and so does this package, naming the first part that cannot be
encoded by its subscript path (``["dates"][0]``), with the extractor's
reason. The rules are the extractor's (``extractor/internal/lift/json.go``):

- :func:`not_json` is ``json.dumps``: ``None``, bools, ints, finite floats,
  strs, lists, tuples and dicts whose keys are str, int, float, bool or
  None. NaN and the infinities are refused (``json.dumps`` would write the
  non-standard tokens ``NaN`` and ``Infinity``). Keys that become the same
  string (``1`` and ``"1"``) are one key holding the last value, as every
  JSON reader keeps it.
- :func:`not_jsonable_default` adds what Prefect's parameter schema
  encodes (pydantic v1's ``encode_default`` and ``pydantic_encoder``):
  enum members (their values), datetimes and dates, timedeltas, UTF-8
  bytes, pydantic models (their fields), and sets of at most one element
  (a larger set's order depends on hashing).
"""

import datetime
import enum
import math
from typing import Any, Optional, Tuple

__all__ = ["NotJSON", "not_json", "not_jsonable_default", "go_quote"]


class NotJSON(object):
    """Where a value stops being JSON, and why.

    ``parts`` is the path as keys and indexes (for a ``loc``), ``path`` the
    same as Python subscripts (``["a"][0]``), ``msg`` the reason.
    """

    __slots__ = ("parts", "path", "msg")

    def __init__(self, parts, path, msg):
        # type: (Tuple[Any, ...], str, str) -> None
        self.parts = parts
        self.path = path
        self.msg = msg


def not_json(value):
    # type: (Any) -> Optional[NotJSON]
    """The first part of value that ``json.dumps`` cannot write as JSON, or None."""
    return _Checker(jsonable=False).check(value, (), "")


def not_jsonable_default(value):
    # type: (Any) -> Optional[NotJSON]
    """The first part of a flow parameter's default that Prefect's parameter
    schema cannot hold, or None."""
    return _Checker(jsonable=True).check(value, (), "")


def go_quote(s):
    # type: (str) -> str
    """s as a double-quoted string literal, escaped the way the extractor's
    messages escape it (Go's strconv.Quote)."""
    out = ['"']
    for c in s:
        cp = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif c.isprintable() and not 0xD800 <= cp <= 0xDFFF:
            out.append(c)
        elif cp < 0x80:
            out.append("\\x%02x" % cp)
        elif 0xD800 <= cp <= 0xDFFF:
            out.append("\\ufffd")
        elif cp < 0x10000:
            out.append("\\u%04x" % cp)
        else:
            out.append("\\U%08x" % cp)
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _float_token(f):
    # type: (float) -> str
    """How json.dumps writes a float: repr, or NaN/Infinity/-Infinity."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    return repr(f)


class _Checker(object):
    def __init__(self, jsonable):
        # type: (bool) -> None
        self.jsonable = jsonable

    def check(self, v, parts, path):
        # type: (Any, Tuple[Any, ...], str) -> Optional[NotJSON]
        if v is None or isinstance(v, (bool, int, str)):
            return None
        if isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                return NotJSON(parts, path, "float %r is not valid JSON (json.dumps would write the "
                                            "non-standard token %s)" % (v, _float_token(v)))
            return None
        if isinstance(v, (list, tuple)):
            return self._array(v, parts, path)
        if isinstance(v, dict):
            return self._object(v, parts, path)
        if self.jsonable:
            return self._jsonable(v, parts, path)
        return NotJSON(parts, path, "Object of type %s is not JSON serializable (json.dumps raises TypeError)"
                       % type(v).__name__)

    def _jsonable(self, v, parts, path):
        # type: (Any, Tuple[Any, ...], str) -> Optional[NotJSON]
        if isinstance(v, enum.Enum):
            return self.check(v.value, parts, path)
        if isinstance(v, (set, frozenset)):
            if len(v) > 1:
                return NotJSON(parts, path, "the order of a %s's elements depends on hashing and is not "
                                            "known statically" % type(v).__name__)
            return self._array(list(v), parts, path)
        if isinstance(v, (datetime.date, datetime.timedelta)):
            return None
        if isinstance(v, (bytes, bytearray)):
            try:
                bytes(v).decode("utf-8")
            except UnicodeDecodeError:
                return NotJSON(parts, path, "'utf-8' codec can't decode the bytes")
            return None
        fields = _model_fields(v)
        if fields is not None:
            return self._object(fields, parts, path)
        return NotJSON(parts, path, "Object of type %s is not JSON serializable" % type(v).__name__)

    def _array(self, elems, parts, path):
        # type: (Any, Tuple[Any, ...], str) -> Optional[NotJSON]
        for i, e in enumerate(elems):
            bad = self.check(e, parts + (i,), "%s[%d]" % (path, i))
            if bad is not None:
                return bad
        return None

    def _object(self, d, parts, path):
        # type: (dict, Tuple[Any, ...], str) -> Optional[NotJSON]
        merged = {}  # type: dict
        for k, v in d.items():
            if isinstance(k, str):
                ks = k
            elif k is True or k is False:
                ks = "true" if k else "false"
            elif k is None:
                ks = "null"
            elif isinstance(k, int):
                ks = int.__repr__(k)
            elif isinstance(k, float):
                ks = _float_token(k)
            else:
                return NotJSON(parts, path, "keys must be str, int, float, bool or None, not %s "
                                            "(json.dumps raises TypeError)" % type(k).__name__)
            merged[ks] = v  # an equal key keeps its place and takes the last value
        for ks, v in merged.items():
            bad = self.check(v, parts + (ks,), "%s[%s]" % (path, go_quote(ks)))
            if bad is not None:
                return bad
        return None


def _model_fields(v):
    # type: (Any) -> Optional[dict]
    """The fields of a flowspec or pydantic model instance, as a dict; None for anything else."""
    from ._model import Model

    if isinstance(v, Model):
        return dict(v)
    if isinstance(getattr(type(v), "__fields__", None), dict) and callable(getattr(v, "dict", None)):
        return dict(v.dict())
    return None
