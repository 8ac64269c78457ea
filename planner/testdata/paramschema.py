"""Expected parameter_openapi_schema values for plan's ParameterSchema test.

Runs Prefect 2.10.6's parameter_schema() algorithm (utilities/callables.py)
with pydantic v1 (pydantic.v1 from pydantic 2 works) on real Python
signatures, and prints the cases with their expected schemas as JSON:

    python3 planner/testdata/paramschema.py > planner/testdata/paramschema.json

Parameter docstring descriptions are not part of these cases.
"""
import datetime
import inspect
import json
import typing
from typing import Any, Dict, List, Literal, Optional, Set, Tuple, Union

import pydantic.v1 as pydantic

SIGNATURES = {
    "no_parameters": "",
    "unannotated": "a, b=1, c='x', d=None, e=[1, 2], f={'k': [True, None]}",
    "builtins": "s: str, i: int, f: float, b: bool, l: list, d: dict, t: tuple, st: set, by: bytes",
    "builtin_defaults": "s: str = 'hi', i: int = 3, f: float = 2.5, b: bool = False, l: list = [], d: dict = {}",
    "generics": "a: list[str], b: dict[str, Any], c: dict[str, int], d: list[list[int]], e: set[str], f: tuple[int, ...], g: tuple[int, str]",
    "typing_generics": "a: List, b: Dict, c: List[str], d: Dict[str, Any], e: typing.List[int], f: Tuple, g: Set[int]",
    "optional": "a: Optional[str], b: Optional[int] = None, c: str | None = None, d: Union[int, None] = 5, e: Optional[List[str]] = None",
    "unions": "a: Union[int, str], c: Union[int, Any], e: Union[int, Union[str, float]], b: int | str | None = None, d: Optional[Union[int, str]] = 1",
    "literals": "a: Literal['x', 'y'], c: Literal['a', 1], e: Literal[True], b: Literal[1, 2] = 1, d: Optional[Literal['p', 'q']] = None",
    "any": "a: Any, b: Any = None, c: Any = 'v', d: typing.Any = 3",
    "dates": "a: datetime.datetime, b: datetime.date, c: datetime.timedelta",
    "var_args": "a: int, *args, b: str = 'k', **kwargs",
    "private_and_reserved": "_hidden: int, json: str = 'j', schema: int = 0, copy=None, tail: str = 't'",
}


class ModelConfig:
    arbitrary_types_allowed = True


def parameter_schema(fn):
    signature = inspect.signature(fn)
    model_fields = {}
    aliases = {}
    for position, param in enumerate(signature.parameters.values()):
        if hasattr(pydantic.BaseModel, param.name):
            name = param.name + "__"
            aliases[name] = param.name
        else:
            name = param.name
        type_, field = (
            Any if param.annotation is inspect._empty else param.annotation,
            pydantic.Field(
                default=... if param.default is param.empty else param.default,
                title=param.name,
                description=None,
                alias=aliases.get(name),
                position=position,
            ),
        )
        try:
            pydantic.create_model(
                "CheckParameter", __config__=ModelConfig, **{name: (type_, field)}
            ).schema(by_alias=True)
        except ValueError:
            type_ = Any
        model_fields[name] = (type_, field)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pydantic.create_model("Parameters", __config__=ModelConfig, **model_fields)
    schema = model.schema(by_alias=True)
    out = {"title": "Parameters", "type": "object", "properties": schema.get("properties", {})}
    if schema.get("required"):
        out["required"] = schema["required"]
    if schema.get("definitions"):
        out["definitions"] = schema["definitions"]
    return out


def spec_parameters(fn, source):
    params = []
    kinds = {
        inspect.Parameter.POSITIONAL_OR_KEYWORD: "",
        inspect.Parameter.KEYWORD_ONLY: "keyword_only",
        inspect.Parameter.VAR_POSITIONAL: "var_positional",
        inspect.Parameter.VAR_KEYWORD: "var_keyword",
        inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    }
    tree = __import__("ast").parse(f"def f({source}): pass").body[0].args
    annotations = {}
    for a in tree.posonlyargs + tree.args + tree.kwonlyargs + [tree.vararg, tree.kwarg]:
        if a is not None and a.annotation is not None:
            annotations[a.arg] = __import__("ast").get_source_segment(f"def f({source}): pass", a.annotation)
    for p in inspect.signature(fn).parameters.values():
        entry = {"name": p.name}
        if kinds[p.kind]:
            entry["kind"] = kinds[p.kind]
        entry["annotation"] = annotations.get(p.name, "")
        if p.default is inspect.Parameter.empty:
            entry["default"] = None
            entry["has_default"] = False
        else:
            entry["default"] = p.default
            entry["has_default"] = True
        params.append(entry)
    return params


def main():
    cases = []
    for name, source in SIGNATURES.items():
        ns = {}
        exec(
            "import datetime, typing\nfrom typing import *\n" f"def f({source}): pass",
            ns,
        )
        fn = ns["f"]
        cases.append(
            {
                "case": name,
                "signature": source,
                "parameters": spec_parameters(fn, source),
                "schema": parameter_schema(fn),
            }
        )
    print(json.dumps(cases, indent=2, sort_keys=True))


main()
