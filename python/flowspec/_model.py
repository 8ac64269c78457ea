"""A small, dependency-free model base with pydantic v1 field semantics.

Only what the flowspec models need is here: required fields and defaults,
``str`` coercion, ``StrictStr``, ``int`` with bounds, ``bool``, ``dict`` and
``list`` fields, nested models, checks across fields, and
``ValidationError`` messages worded as pydantic v1 words them. Unknown
keyword arguments are ignored, as pydantic v1 ignores them, but each one
raises a warning naming the closest field.
"""

import copy
import difflib
import enum
import warnings
from decimal import Decimal
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

Loc = Tuple[Any, ...]

_MISSING = object()


class ErrorDetail(object):
    """One validation failure: where (``loc``), what (``msg``) and its pydantic type."""

    __slots__ = ("loc", "msg", "type", "ctx")

    def __init__(self, loc, msg, type_, ctx=None):
        # type: (Loc, str, str, Optional[Dict[str, Any]]) -> None
        self.loc = tuple(loc)
        self.msg = msg
        self.type = type_
        self.ctx = ctx

    def as_dict(self):
        # type: () -> Dict[str, Any]
        d = {"loc": self.loc, "msg": self.msg, "type": self.type}  # type: Dict[str, Any]
        if self.ctx:
            d["ctx"] = dict(self.ctx)
        return d


class ValidationError(ValueError):
    """Raised when a model is built from invalid values.

    ``str(err)`` reads like pydantic v1::

        1 validation error for FlowDeployment
        deployment_name
          field required (type=value_error.missing)
    """

    def __init__(self, errors, model):
        # type: (List[ErrorDetail], type) -> None
        self.raw_errors = list(errors)
        self.model = model
        super(ValidationError, self).__init__(self._render())

    def errors(self):
        # type: () -> List[Dict[str, Any]]
        """The failures as pydantic v1's ``errors()`` gives them."""
        return [e.as_dict() for e in self.raw_errors]

    def _render(self):
        # type: () -> str
        n = len(self.raw_errors)
        lines = ["%d validation error%s for %s" % (n, "" if n == 1 else "s", self.model.__name__)]
        for e in self.raw_errors:
            lines.append(" -> ".join(str(part) for part in e.loc))
            kind = "type=" + e.type
            if e.ctx:
                kind += "".join("; %s=%s" % (k, v) for k, v in e.ctx.items())
            lines.append("  %s (%s)" % (e.msg, kind))
        return "\n".join(lines)

    def __str__(self):
        # type: () -> str
        return self._render()


class UnknownFieldWarning(UserWarning):
    """An unknown keyword argument was given to a model and ignored."""


class _Invalid(Exception):
    """Internal: one or more failures found while validating a value."""

    def __init__(self, errors):
        # type: (List[ErrorDetail]) -> None
        super(_Invalid, self).__init__(errors)
        self.errors = errors


def _fail(loc, msg, type_, ctx=None):
    # type: (Loc, str, str, Optional[Dict[str, Any]]) -> _Invalid
    return _Invalid([ErrorDetail(loc, msg, type_, ctx)])


Validator = Callable[[Any, Loc], Any]


def str_field(value, loc):
    # type: (Any, Loc) -> str
    """pydantic v1 ``str``: strings pass, numbers become ``str(value)``."""
    if isinstance(value, str):
        if isinstance(value, enum.Enum):
            return value.value
        return value
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, enum.Enum):
            return str(value.value)
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return value.decode()
    raise _fail(loc, "str type expected", "type_error.str")


def strict_str_field(value, loc):
    # type: (Any, Loc) -> str
    """pydantic v1 ``StrictStr``: only strings."""
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        return value
    raise _fail(loc, "str type expected", "type_error.str")


_BOOL_TRUE = {1, "1", "on", "t", "true", "y", "yes"}
_BOOL_FALSE = {0, "0", "off", "f", "false", "n", "no"}


def bool_field(value, loc):
    # type: (Any, Loc) -> bool
    """pydantic v1 ``bool``: True/False, 0/1 and the usual yes/no words."""
    if value is True or value is False:
        return value
    v = value
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str):
        v = v.lower()
    try:
        if v in _BOOL_TRUE:
            return True
        if v in _BOOL_FALSE:
            return False
    except TypeError:
        pass
    raise _fail(loc, "value could not be parsed to a boolean", "type_error.bool")


def int_field(gt=None, lt=None):
    # type: (Optional[int], Optional[int]) -> Validator
    """pydantic v1 ``conint(gt=..., lt=...)``: ``int(value)``, then the bounds."""

    def validate(value, loc):
        # type: (Any, Loc) -> int
        if isinstance(value, int) and value is not True and value is not False:
            v = value
        else:
            try:
                v = int(value)
            except (TypeError, ValueError, OverflowError):
                raise _fail(loc, "value is not a valid integer", "type_error.integer")
        if gt is not None and not v > gt:
            raise _fail(loc, "ensure this value is greater than %d" % gt,
                        "value_error.number.not_gt", {"limit_value": gt})
        if lt is not None and not v < lt:
            raise _fail(loc, "ensure this value is less than %d" % lt,
                        "value_error.number.not_lt", {"limit_value": lt})
        return v

    return validate


def _as_dict(value, loc):
    # type: (Any, Loc) -> dict
    if isinstance(value, dict):
        return value
    try:
        return dict(value)
    except (TypeError, ValueError):
        raise _fail(loc, "value is not a valid dict", "type_error.dict")


def any_dict_field(value, loc):
    # type: (Any, Loc) -> dict
    """pydantic v1 bare ``dict``: a dict, or anything ``dict()`` accepts."""
    return _as_dict(value, loc)


def str_key_dict_field(value, loc):
    # type: (Any, Loc) -> dict
    """pydantic v1 ``Dict[str, Any]``: keys coerced like ``str`` fields."""
    d = _as_dict(value, loc)
    out = {}
    errors = []  # type: List[ErrorDetail]
    for k, v in d.items():
        key_loc = loc + ("__key__",)
        if k is None:
            errors.append(ErrorDetail(key_loc, "none is not an allowed value", "type_error.none.not_allowed"))
            continue
        try:
            out[str_field(k, key_loc)] = v
        except _Invalid as e:
            errors.extend(e.errors)
    if errors:
        raise _Invalid(errors)
    return out


def json_dict_field(str_keys):
    # type: (bool) -> Validator
    """A dict field whose value Prefect stores as JSON: pydantic v1's
    ``Dict[str, Any]`` (str_keys) or bare ``dict``, and then every value
    must be one ``json.dumps`` writes as JSON, as flowplan's extractor
    requires. The first part that is not is reported, with its path as
    Python subscripts (``parameters["a"][0]``) and its keys and indexes
    appended to the field's ``loc``."""
    from ._json import not_json

    def validate(value, loc):
        # type: (Any, Loc) -> dict
        d = str_key_dict_field(value, loc) if str_keys else any_dict_field(value, loc)
        bad = not_json(d)
        if bad is not None:
            raise _fail(loc + bad.parts, "%s%s: not JSON-serializable, so Prefect cannot store it: %s"
                        % (loc[-1], bad.path, bad.msg), "value_error.json")
        return d

    return validate


_SEQUENCES = (list, tuple, set, frozenset)


def list_field(item, item_allows_none=False):
    # type: (Validator, bool) -> Validator
    """pydantic v1 ``List[item]``: lists, tuples, sets and generators; each item validated."""

    def validate(value, loc):
        # type: (Any, Loc) -> list
        import types
        import collections

        if not isinstance(value, _SEQUENCES + (types.GeneratorType, collections.deque)):
            raise _fail(loc, "value is not a valid list", "type_error.list")
        out = []
        errors = []  # type: List[ErrorDetail]
        for i, v in enumerate(value):
            item_loc = loc + (i,)
            if v is None and not item_allows_none:
                errors.append(ErrorDetail(item_loc, "none is not an allowed value", "type_error.none.not_allowed"))
                continue
            try:
                out.append(item(v, item_loc))
            except _Invalid as e:
                errors.extend(e.errors)
        if errors:
            raise _Invalid(errors)
        return out

    return validate


def model_field(model):
    # type: (type) -> Validator
    """A nested model: an instance (copied), a dict of its fields, or anything ``dict()`` accepts."""

    def validate(value, loc):
        # type: (Any, Loc) -> Any
        if isinstance(value, model):
            # pydantic v1's shallow copy (copy_on_model_validation =
            # 'shallow'): a new instance sharing the original's __dict__, so
            # an attribute assigned on either shows on both.
            twin = object.__new__(type(value))
            object.__setattr__(twin, "__dict__", value.__dict__)
            return twin
        data = _as_dict(value, loc)
        try:
            return model(**data)
        except ValidationError as e:
            raise _Invalid([ErrorDetail(loc + d.loc, d.msg, d.type, d.ctx) for d in e.raw_errors])
        except TypeError as e:
            raise _fail(loc, str(e), "type_error")

    return validate


def union_field(*members):
    # type: (*Validator) -> Validator
    """pydantic v1 ``Union[...]``: the first member that validates; else every member's errors."""

    def validate(value, loc):
        # type: (Any, Loc) -> Any
        errors = []  # type: List[ErrorDetail]
        for member in members:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    result = member(value, loc)
                except _Invalid as e:
                    errors.extend(e.errors)
                    continue
            # only the member that validated speaks about ignored fields
            for w in caught:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            return result
        raise _Invalid(errors)

    return validate


class Field(object):
    """One declared field: its validator, and its default (or required)."""

    __slots__ = ("name", "validate", "default", "default_factory", "allow_none")

    def __init__(self, validate, default=_MISSING, default_factory=None, allow_none=False):
        # type: (Validator, Any, Optional[Callable[[], Any]], bool) -> None
        self.name = ""
        self.validate = validate
        self.default = default
        self.default_factory = default_factory
        self.allow_none = allow_none or default is None

    @property
    def required(self):
        # type: () -> bool
        return self.default is _MISSING and self.default_factory is None

    def make_default(self):
        # type: () -> Any
        if self.default_factory is not None:
            return self.default_factory()
        return copy.deepcopy(self.default)


class Model(object):
    """Base of the flowspec models: keyword construction, validation, ``dict()``.

    Subclasses list their fields in ``_fields`` (name -> Field), in
    declaration order; subclasses of a model extend its fields.
    """

    _fields = {}  # type: Dict[str, Field]

    def __init__(self, **data):
        # type: (**Any) -> None
        cls = type(self)
        errors = []  # type: List[ErrorDetail]
        values = {}  # type: Dict[str, Any]
        for name, f in cls._fields.items():
            loc = (name,)
            if name not in data:
                if f.required:
                    errors.append(ErrorDetail(loc, "field required", "value_error.missing"))
                else:
                    values[name] = f.make_default()
                continue
            value = data[name]
            if value is None:
                if f.allow_none:
                    values[name] = None
                else:
                    errors.append(ErrorDetail(loc, "none is not an allowed value", "type_error.none.not_allowed"))
                continue
            try:
                values[name] = f.validate(value, loc)
            except _Invalid as e:
                errors.extend(e.errors)
        for name in data:
            if name not in cls._fields:
                close = difflib.get_close_matches(name, list(cls._fields), n=1)
                hint = " (did you mean %r?)" % close[0] if close else ""
                warnings.warn(
                    "%s: unknown field %r ignored%s" % (cls.__name__, name, hint),
                    UnknownFieldWarning,
                    stacklevel=_caller_stacklevel(),
                )
        if not errors:
            errors = cls._check_fields(values)
        if errors:
            raise ValidationError(errors, cls)
        self.__dict__.update(values)

    def __setattr__(self, name, value):
        # type: (str, Any) -> None
        """As pydantic v1 without ``validate_assignment``: a field takes the
        value as it is (unvalidated), any other name is refused."""
        if name not in type(self)._fields:
            raise ValueError('"%s" object has no field "%s"' % (type(self).__name__, name))
        self.__dict__[name] = value

    @classmethod
    def _check_fields(cls, values):
        # type: (Dict[str, Any]) -> List[ErrorDetail]
        """Checks across fields, run once every field is valid; the failures, if any."""
        return []

    def __iter__(self):
        # type: () -> Iterator[Tuple[str, Any]]
        """Yields (field, value) pairs, so ``dict(model)`` works as in pydantic."""
        for name in type(self)._fields:
            yield name, self.__dict__[name]

    def dict(self):
        # type: () -> Dict[str, Any]
        """The fields as a dict, nested models turned into dicts too."""
        return {name: _to_plain(v) for name, v in self}

    def __eq__(self, other):
        # type: (object) -> bool
        if isinstance(other, Model):
            return self.dict() == other.dict()
        return self.dict() == other

    def __ne__(self, other):
        # type: (object) -> bool
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self):
        # type: () -> str
        return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % kv for kv in self))


def _caller_stacklevel():
    # type: () -> int
    """The warnings stacklevel of the first frame outside flowspec: the user's line."""
    import sys

    level, frame = 1, sys._getframe(1)
    pkg = __name__.rsplit(".", 1)[0] + "."
    while frame is not None and (frame.f_globals.get("__name__", "") + ".").startswith(pkg):
        frame = frame.f_back
        level += 1
    return level


def _to_plain(v):
    # type: (Any) -> Any
    if isinstance(v, Model):
        return v.dict()
    if isinstance(v, list):
        return [_to_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _to_plain(x) for k, x in v.items()}
    return v


def fields(*pairs):
    # type: (*Tuple[str, Field]) -> Dict[str, Field]
    """Builds a ``_fields`` table from (name, Field) pairs, keeping their order."""
    out = {}  # type: Dict[str, Field]
    for name, f in pairs:
        f.name = name
        out[name] = f
    return out


def duplicate_names(deployments, field, key):
    # type: (List[Any], str, Callable[[str], str]) -> List[ErrorDetail]
    """A failure for each deployment whose name, after key, is a name an
    earlier deployment already has: Prefect would keep only one of them.
    Worded as flowplan's extractor words it."""
    from ._json import go_quote

    first = {}  # type: Dict[str, int]
    errors = []  # type: List[ErrorDetail]
    for i, d in enumerate(deployments):
        name = getattr(d, field)
        k = key(name)
        if k not in first:
            first[k] = i
            continue
        j = first[k]
        other = getattr(deployments[j], field)
        if name == other:
            how = "is the same name as deployment %d (%s)" % (j, go_quote(other))
        else:
            how = "becomes %s, as does deployment %d (%s)" % (go_quote(k), j, go_quote(other))
        errors.append(ErrorDetail(
            ("deployments", i, field),
            "deployments[%d].%s %s %s: Prefect would keep only one of them" % (i, field, go_quote(name), how),
            "value_error.duplicate_name"))
    return errors


def _fargate_sizes():
    # type: () -> List[Tuple[int, List[int]]]
    """Fargate's task sizes: CPU units and the memory values (MiB) each pairs with."""
    return [
        (256, [512, 1024, 2048]),
        (512, list(range(1024, 4097, 1024))),
        (1024, list(range(2048, 8193, 1024))),
        (2048, list(range(4096, 16385, 1024))),
        (4096, list(range(8192, 30721, 1024))),
        (8192, list(range(16384, 61441, 4096))),
        (16384, list(range(32768, 122881, 8192))),
    ]


def _units(s):
    # type: (str) -> Optional[int]
    """A decimal integer as ECS reads it: ASCII digits, no sign or leading zero."""
    if not s or len(s) > 7 or (len(s) > 1 and s[0] == "0"):
        return None
    if not all("0" <= c <= "9" for c in s):
        return None
    return int(s)


def fargate_size(cpu, memory):
    # type: (str, str) -> List[ErrorDetail]
    """A failure when cpu and memory (CPU units and MiB, as ECS is sent them)
    are not a pair AWS Fargate runs: ECS would refuse every run of the flow.
    Worded as flowplan's extractor words it."""
    from ._json import go_quote

    sizes = _fargate_sizes()
    cpus = ", ".join(str(c) for c, _ in sizes)
    c = _units(cpu)
    if c is None:
        return [ErrorDetail(("cpu",), "cpu %s is not a number of CPU units; Fargate takes one of %s" % (go_quote(cpu), cpus),
                            "value_error.fargate")]
    mems = dict(sizes).get(c)
    if mems is None:
        return [ErrorDetail(("cpu",), "cpu %s is not a Fargate task size; Fargate takes one of %s" % (go_quote(cpu), cpus),
                            "value_error.fargate")]
    listed = ", ".join(str(m) for m in mems)
    m = _units(memory)
    if m is None:
        return [ErrorDetail(("memory",), "memory %s is not a number of MiB; with cpu %s Fargate takes one of %s"
                            % (go_quote(memory), go_quote(cpu), listed), "value_error.fargate")]
    if m not in mems:
        return [ErrorDetail(("memory",), "memory %s does not go with cpu %s on Fargate, which takes one of %s"
                            % (go_quote(memory), go_quote(cpu), listed), "value_error.fargate")]
    return []
