"""CPython's side of the differential test: import flow files, lift FLOW_SPEC.

usage: python3 lift.py [--deployment-type T] PROJECT_DIR...

For each project (a directory with pyproject.toml) it finds every flow file
the way flowplan does (``<flows_folder>/**/*_flow.py``, sorted), imports each
with the test stubs (``stubs/``, plus ``python/`` for flowspec) first on
sys.path, and prints one JSON line per project::

    {"project": DIR, "error": null, "files": [ENTRY, ...]}

where ENTRY is the ``flowspec-extract --specs-only`` entry shape, ``{"path",
"status", "errors", "warnings", "spec"}``, plus ``"error_fields"``: the
field paths (pydantic ``loc``s) that validation rejected, for comparing
errors by field rather than by wording. The deployment type is the
environment's DF_CONFIG_DEPLOYMENT_TYPE, as CommonSettings reads it.

Test-only: this runs the flow files' code, which the product never does.
"""

import ast
import datetime
import enum
import glob
import importlib.util
import inspect
import io
import json
import os
import sys
import tokenize
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STUBS = os.path.join(HERE, "stubs")
FALLBACK = os.path.join(HERE, "fallback")
PYTHON_PKG = os.path.join(REPO, "python")

sys.path[:0] = [STUBS, PYTHON_PKG]
sys.path.append(FALLBACK)
sys.dont_write_bytecode = True

# Local models in flow projects are pydantic v1 models: when pydantic 2 is
# installed, its bundled v1 API stands in for it.
try:
    import pydantic  # noqa: E402

    if not pydantic.VERSION.startswith("1."):
        import pydantic.v1  # noqa: E402

        sys.modules["pydantic"] = pydantic.v1
except ImportError:
    pass

import flowspec  # noqa: E402
import flowspec.worker  # noqa: E402
import prefect  # noqa: E402

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]


class LiftError(Exception):
    """A flow file whose FLOW_SPEC cannot be lifted; fields are the rejected field paths."""

    def __init__(self, msg, fields=()):
        super(LiftError, self).__init__(msg)
        self.fields = [list(f) for f in fields]


def read_project(root):
    with open(os.path.join(root, "pyproject.toml"), "rb") as f:
        doc = tomllib.load(f)
    prefect_cfg = doc.get("tool", {}).get("prefect", {})
    return {
        "flows_folder": prefect_cfg.get("flows_folder", "src"),
        "agent_envs": set(prefect_cfg.get("envs", {})),
        "worker_envs": set(prefect_cfg.get("docker", {})),
    }


def flow_files(root, flows_folder):
    base = os.path.normpath(os.path.join(root, flows_folder))
    found = glob.glob(os.path.join(glob.escape(base), "**", "*_flow.py"), recursive=True)
    rel = [os.path.relpath(p, root).replace(os.sep, "/") for p in found if os.path.isfile(p)]
    return sorted(rel)


# --- JSON, as json.dumps and as Prefect's parameter schema encode values ---


def dumps_params(value, where):
    """json.dumps semantics (NaN and infinities refused), re-read so duplicate keys collapse."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise LiftError("%s: %s" % (where, e), [where.split(".")])
    return json.loads(text)


def jsonable_default(v):
    """A flow parameter's default as pydantic v1's schema encoding gives it."""
    if isinstance(v, enum.Enum):
        return jsonable_default(v.value)  # encode_default: an enum member's value
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise LiftError("parameter default %r is not JSON" % v)
        return v
    if isinstance(v, (list, tuple)):
        return [jsonable_default(x) for x in v]
    if isinstance(v, (set, frozenset)):
        if len(v) > 1:
            raise LiftError("a set default with more than one element has no static order")
        return [jsonable_default(x) for x in v]
    if isinstance(v, dict):
        return json.loads(json.dumps({k: jsonable_default(x) for k, x in v.items()}))
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        return v.total_seconds()
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, flowspec._model.Model):
        return jsonable_default(v.dict())
    if hasattr(v, "dict") and callable(v.dict):
        return jsonable_default(v.dict())
    raise LiftError("parameter default of type %s is not JSON" % type(v).__name__)


# --- the flow function ---

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: None,
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


def annotations_source(fn):
    """Parameter name -> the annotation's source text, read from the def itself."""
    code = fn.__code__
    # Read as the compiler reads source: newlines first (the file may end
    # its lines with a lone CR), then PEP 263's declaration.
    with open(code.co_filename, "rb") as f:
        raw = f.read().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    src = raw.decode(encoding)
    best = None
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == fn.__name__:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if first == code.co_firstlineno or best is None:
                best = node
    out = {}
    if best is None:
        return out
    a = best.args
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
        out[arg.arg] = ast.get_source_segment(src, arg.annotation) if arg.annotation is not None else ""
    return out


def lift_flow(flow):
    if not isinstance(flow, prefect.Flow):
        raise LiftError("flow is not a Prefect flow", [["flow"]])
    fn = flow.fn
    ann = annotations_source(fn)
    params = []
    for p in inspect.signature(fn).parameters.values():
        entry = {"name": p.name}
        if _KINDS[p.kind]:
            entry["kind"] = _KINDS[p.kind]
        entry["annotation"] = ann.get(p.name, "")
        has = p.default is not inspect.Parameter.empty
        entry["default"] = jsonable_default(p.default) if has else None
        entry["has_default"] = has
        params.append(entry)
    return {"function": fn.__name__, "name": flow.name, "description": flow.description, "parameters": params}


# --- the spec ---


def envar(e):
    """FlowEnvar, or FlowSecret whose secret_name is the value."""
    value = e.secret_name if isinstance(e, flowspec.FlowSecret) else e.envar_value
    return {"envar_name": e.envar_name, "envar_value": value}


def lift_schedule(s):
    if s is None:
        return None
    kind = type(s).__name__
    if kind == "CronSchedule":
        return {"type": "cron", "cron": s.cron, "timezone": s.timezone, "day_or": s.day_or}
    if kind == "IntervalSchedule":
        return {
            "type": "interval",
            "interval_seconds": float(s.interval.total_seconds()),
            "anchor_date": s.anchor_date.isoformat() if s.anchor_date is not None else None,
            "timezone": s.timezone,
        }
    return {"type": "rrule", "rrule": s.rrule, "timezone": s.timezone}


def _shape(v):
    """v with its types spelled out: models by class and fields, so a value
    and what validating it gives compare equal only when nothing changed."""
    if isinstance(v, flowspec.Model):
        return (type(v).__name__, [(k, _shape(x)) for k, x in v.__dict__.items()])
    if isinstance(v, dict):
        return ("dict", [(_shape(k), _shape(x)) for k, x in v.items()])
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_shape(x) for x in v])
    if v is None or isinstance(v, (str, int, float)):
        return (type(v).__name__, v)
    return (type(v).__name__,)


def check_as_built(model, loc=()):
    """What a model holds now must be what pydantic would have stored there:
    pydantic validates only in the constructor (the seed's models have no
    validate_assignment), and the original deploys the values as they are.
    A value assigned, or put into a field's list or dict, after construction
    must already be in that form; cross-field checks run on the final values."""
    cls = type(model)
    for name, f in cls._fields.items():
        v = model.__dict__.get(name)
        where = loc + (name,)
        try:
            w = v if (v is None and f.allow_none) else f.validate(v, where)
        except flowspec._model._Invalid as e:
            raise LiftError("%s: %s" % (".".join(map(str, e.errors[0].loc)), e.errors[0].msg), [list(d.loc) for d in e.errors])
        if _shape(w) != _shape(v):
            raise LiftError("%s changed after construction to a value pydantic would have converted"
                            % ".".join(map(str, where)), [list(where)])
        for i, x in enumerate(v if isinstance(v, list) else [v]):
            if isinstance(x, flowspec.Model):
                check_as_built(x, where + ((i,) if isinstance(v, list) else ()))
    errors = cls._check_fields(model.__dict__)
    if errors:
        raise LiftError(errors[0].msg, [list(loc + d.loc) for d in errors])


def lift_agent(spec, project):
    if spec.docker_env not in project["agent_envs"]:
        raise LiftError("docker_env %r is not declared in [tool.prefect.envs]" % spec.docker_env, [["docker_env"]])
    deployments = []
    for i, d in enumerate(spec.deployments):
        merged = {e.envar_name: e.envar_value for e in spec.envars}
        merged.update((e.envar_name, e.envar_value) for e in d.envars)
        deployments.append({
            "deployment_name": d.deployment_name,
            "cpu": d.cpu,
            "memory": d.memory,
            "parameters": dumps_params(d.parameters, "deployments.%d.parameters" % i),
            "schedule": lift_schedule(d.schedule),
            "envars": [{"envar_name": k, "envar_value": v} for k, v in merged.items()],
        })
    out = {
        "api": "agent",
        "flow": lift_flow(spec.flow),
        "docker_env": spec.docker_env,
        "secrets": [envar(e) for e in spec.secrets],
        "envars": [envar(e) for e in spec.envars],
        "ephemeral_storage_gb": spec.ephemeral_storage_gb,
        "deployments": deployments,
    }
    if not spec.is_agent:  # the spec JSON names is_agent only when it hands the flow to the worker era
        out["is_agent"] = False
    return out


def lift_worker(spec, project):
    if spec.docker_env not in project["worker_envs"]:
        raise LiftError("docker_env %r is not declared in [tool.prefect.docker]" % spec.docker_env, [["docker_env"]])
    deployments = []
    for i, d in enumerate(spec.deployments):
        deployments.append({
            "name": d.name,
            "cron": d.cron,
            "timezone": d.timezone,
            "parameters": dumps_params(d.parameters, "deployments.%d.parameters" % i),
            "description": d.description,
            "tags": list(d.tags),
            "version": d.version,
            "enforce_parameter_schema": d.enforce_parameter_schema,
            "work_pool_name": d.work_pool_name,
            "work_queue_name": d.work_queue_name,
            "job_variables": dumps_params(d.job_variables, "deployments.%d.job_variables" % i),
        })
    return {
        "api": "worker",
        "flow": lift_flow(spec.flow),
        "docker_env": spec.docker_env,
        "is_agent": spec.is_agent,
        "deployments": deployments,
    }


_counter = [0]


def load_module(path, rel):
    _counter[0] += 1
    name = "_difftest_flow_%d" % _counter[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def lift_file(root, rel, project):
    entry = {"path": rel, "status": "ok", "errors": [], "warnings": [], "spec": None, "error_fields": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            module = load_module(os.path.join(root, rel), rel)
            if not hasattr(module, "FLOW_SPEC"):
                entry["status"] = "missing"
            else:
                spec = module.FLOW_SPEC
                if isinstance(spec, flowspec.Model):
                    check_as_built(spec)
                if isinstance(spec, flowspec.worker.FlowSpec):
                    entry["spec"] = lift_worker(spec, project)
                elif isinstance(spec, flowspec.FlowSpec):
                    entry["spec"] = lift_agent(spec, project)
                else:
                    raise LiftError("FLOW_SPEC is %s, not a FlowSpec" % type(spec).__name__)
        except flowspec.ValidationError as e:
            entry["errors"].append(str(e))
            entry["error_fields"] = [list(d.loc) for d in e.raw_errors]
        except LiftError as e:
            entry["errors"].append(str(e))
            entry["error_fields"] = e.fields
        except BaseException as e:  # the flow file's own failure: any exception at all
            entry["errors"].append("%s: %s" % (type(e).__name__, e))
            entry["traceback"] = traceback.format_exc(limit=-3)
    entry["warnings"] = [str(w.message) for w in caught if issubclass(w.category, flowspec.UnknownFieldWarning)]
    if entry["errors"]:
        entry["status"] = "error"
        entry["spec"] = None
    return entry


def lift_project(root):
    out = {"project": root, "error": None, "files": []}
    try:
        project = read_project(root)
    except Exception as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
        return out
    flows = os.path.normpath(os.path.join(root, project["flows_folder"]))
    sys.path[:0] = [flows]
    try:
        for rel in flow_files(root, project["flows_folder"]):
            out["files"].append(lift_file(root, rel, project))
    finally:
        sys.path.remove(flows)
        # project-local modules must not leak into the next project
        prefix = root.rstrip(os.sep) + os.sep
        for name, mod in list(sys.modules.items()):
            if (getattr(mod, "__file__", None) or "").startswith(prefix):
                del sys.modules[name]
    return out


def main(argv):
    """Arguments: project dirs, each optionally preceded by --deployment-type T
    (which sets DF_CONFIG_DEPLOYMENT_TYPE for the projects that follow)."""
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--deployment-type":
            os.environ["DF_CONFIG_DEPLOYMENT_TYPE"] = args.pop(0)
            continue
        sys.stdout.write(json.dumps(lift_project(os.path.abspath(a)), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
