"""flowspec against pydantic v1 itself: the same inputs must give the same
values or the same errors as models declared with pydantic v1 the way the
original ``common.deployment`` declared them.

pydantic 2 ships pydantic v1 as ``pydantic.v1``; when neither is installed the
test is skipped (set FLOWSPEC_REQUIRE_PYDANTIC=1 to make that a failure).
"""

import datetime
import decimal
import os
import unittest
import warnings
from typing import Any, Dict, List, Optional, Union

import flowspec
import flowspec.worker

try:
    from pydantic.v1 import BaseModel, StrictStr, ValidationError, conint
except ImportError:  # pragma: no cover - depends on the machine
    try:
        from pydantic import BaseModel, StrictStr, ValidationError, conint  # type: ignore
        import pydantic

        if not pydantic.VERSION.startswith("1."):
            raise ImportError("pydantic v1 API not available")
    except ImportError:
        BaseModel = None  # type: ignore


class Flow(object):
    """What flowspec accepts as a flow when Prefect is not installed."""

    def __init__(self, name):
        self.name = name
        self.fn = lambda: None

    def __repr__(self):
        return "Flow(%r)" % self.name


if BaseModel is not None:

    class RefEnvar(BaseModel):
        envar_name: StrictStr
        envar_value: StrictStr

    class RefSecret(BaseModel):
        envar_name: StrictStr
        secret_name: StrictStr

    class RefDeployment(BaseModel):
        deployment_name: str
        cpu: str = "256"
        memory: str = "512"
        parameters: Dict[str, Any] = {}
        schedule: Optional[Any] = None
        envars: List[RefEnvar] = []

    class RefSpec(BaseModel):
        flow: Flow
        secrets: List[Union[RefEnvar, RefSecret]] = []
        envars: List[RefEnvar] = []
        docker_env: StrictStr
        ephemeral_storage_gb: conint(gt=19, lt=201) = 20  # type: ignore[valid-type]
        deployments: List[RefDeployment] = []
        is_agent: bool = True

        class Config:
            arbitrary_types_allowed = True

    class RefWorkerDeployment(BaseModel):
        name: str
        cron: Optional[str] = None
        timezone: str = "UTC"
        parameters: dict = {}
        description: Optional[str] = None
        tags: List[str] = []
        version: Optional[str] = None
        enforce_parameter_schema: bool = False
        work_pool_name: str = flowspec.worker.FALLBACK_WORK_POOL
        work_queue_name: str = "default"
        job_variables: Dict[str, Any] = {}

    class RefWorkerSpec(BaseModel):
        flow: Flow
        docker_env: StrictStr
        deployments: List[RefWorkerDeployment] = []
        is_agent: bool = False

        class Config:
            arbitrary_types_allowed = True


# Values tried in every field: each kind of thing pydantic v1 coerces or rejects.
SCALARS = [
    "x", "", "ünïcødé ✓", 0, 1, 7, -3, 20, 21, 200, 201, 19, 10**30, 1.5, 19.9, 200.99, 2.0, 1e20,
    float("nan"), float("inf"), True, False, None, b"bytes", decimal.Decimal("25.5"),
    "20", " 25 ", "25.0", "yes", "off", "T", "2", [], ["a"], (), ("a", 1), {}, {"a": 1},
    {"envar_name": "A", "envar_value": "B"}, [("envar_name", "A"), ("envar_value", "B")],
    {1: "x", "1": "y"}, {None: 1}, {2.5: [1, {"k": None}]}, {"a", }, object(),
]


def _kwargs_cases():
    """(model pair, kwargs) for every field of every model and every scalar."""
    flow = Flow("f")
    env = {"envar_name": "N", "envar_value": "V"}
    base = {
        "envar": {"envar_name": "N", "envar_value": "V"},
        "secret": {"envar_name": "N", "secret_name": "V"},
        "deployment": {"deployment_name": "d"},
        "spec": {"flow": flow, "docker_env": "base"},
        "wdeployment": {"name": "d"},
        "wspec": {"flow": flow, "docker_env": "base"},
    }
    field_names = {
        "envar": ["envar_name", "envar_value"],
        "secret": ["envar_name", "secret_name"],
        "deployment": ["deployment_name", "cpu", "memory", "parameters", "envars"],
        "spec": ["flow", "secrets", "envars", "docker_env", "ephemeral_storage_gb", "deployments", "is_agent"],
        "wdeployment": ["name", "cron", "timezone", "parameters", "description", "tags", "version",
                        "enforce_parameter_schema", "work_pool_name", "work_queue_name", "job_variables"],
        "wspec": ["flow", "docker_env", "deployments", "is_agent"],
    }
    list_items = [env, [env, env], [env, None], [env, 3], [{"envar_name": 1}], ("a", "b"),
                  [{"envar_name": "S", "secret_name": "s"}, {"envar_name": "S", "secret_name": 1}],
                  [{"envar_name": "S", "secret_name": "s", "envar_value": "v"}],
                  [{"deployment_name": 5, "cpu": None}], [{"name": 1, "tags": "ab"}],
                  [{"deployment_name": "d", "envars": [{"envar_value": 2}]}], [["ab", "cd"]]]
    for model, names in field_names.items():
        for name in names:
            for value in SCALARS + list_items:
                kw = dict(base[model])
                kw[name] = value
                yield model, kw
            kw = dict(base[model])
            kw.pop(name, None)
            yield model, kw
    yield "spec", {}
    yield "wspec", {"flow": "not a flow", "docker_env": 1, "deployments": [{}], "is_agent": None}


@unittest.skipIf(BaseModel is None and not os.environ.get("FLOWSPEC_REQUIRE_PYDANTIC"), "pydantic v1 not installed")
class ParityTest(unittest.TestCase):
    def setUp(self):
        self._env = os.environ.pop(flowspec.worker.DEFAULT_WORK_POOL_ENV, None)

    def tearDown(self):
        if self._env is not None:
            os.environ[flowspec.worker.DEFAULT_WORK_POOL_ENV] = self._env

    def test_same_values_and_errors_as_pydantic_v1(self):
        self.assertIsNotNone(BaseModel, "pydantic v1 is required (FLOWSPEC_REQUIRE_PYDANTIC is set)")
        pairs = {
            "envar": (RefEnvar, flowspec.FlowEnvar),
            "secret": (RefSecret, flowspec.FlowSecret),
            "deployment": (RefDeployment, flowspec.FlowDeployment),
            "spec": (RefSpec, flowspec.FlowSpec),
            "wdeployment": (RefWorkerDeployment, flowspec.worker.FlowDeployment),
            "wspec": (RefWorkerSpec, flowspec.worker.FlowSpec),
        }
        n = 0
        for model, kw in _kwargs_cases():
            ref_cls, ours_cls = pairs[model]
            with self.subTest(model=model, kwargs=repr(kw)):
                n += 1
                try:
                    ref = ref_cls(**kw)
                    ref_err = None
                except ValidationError as e:
                    ref, ref_err = None, e
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        ours = ours_cls(**kw)
                        our_err = None
                    except flowspec.ValidationError as e:
                        ours, our_err = None, e
                if ref_err is not None:
                    self.assertIsNotNone(our_err, "pydantic rejects, flowspec accepts: %r" % (ours,))
                    self.assertEqual(ref_err.errors(), our_err.errors())
                    self.assertEqual(str(ref_err).replace("Ref", "Flow").replace("FlowWorker", "Flow"),
                                     str(our_err))
                elif our_err is not None and all(e["type"] == "value_error.fargate" for e in our_err.errors()):
                    pass  # a cpu/memory pair Fargate refuses: stricter on purpose (see STRICTER)
                else:
                    self.assertIsNone(our_err, "pydantic accepts, flowspec rejects: %s" % our_err)
                    self.assertEqual(_typed(ref.dict()), _typed(ours.dict()))
        self.assertGreater(n, 500)


# Where flowplan's extractor is stricter than pydantic v1, so flowspec is too
# (tests/test_extractor_rules.py has the messages): pydantic v1 accepts these.
STRICTER = [
    ("deployment", {"deployment_name": "d", "parameters": {"ids": {1, 2}}}),
    ("deployment", {"deployment_name": "d", "parameters": {"x": float("nan")}}),
    ("wdeployment", {"name": "d", "parameters": {"when": datetime.date(2024, 1, 1)}}),
    ("wdeployment", {"name": "d", "job_variables": {"raw": b"x"}}),
    ("deployment", {"deployment_name": "d", "cpu": "1'024"}),
    ("deployment", {"deployment_name": "d", "cpu": "1024", "memory": '4 GB "approx"'}),
    ("deployment", {"deployment_name": "d", "cpu": 4096.0, "memory": 8192}),
    ("deployment", {"deployment_name": "d", "cpu": "256", "memory": "4096"}),
    ("spec", {"deployments": [{"deployment_name": "Daily Run"}, {"deployment_name": "daily_run"}]}),
    ("wspec", {"deployments": [{"name": "n"}, {"name": "n"}]}),
]


@unittest.skipIf(BaseModel is None and not os.environ.get("FLOWSPEC_REQUIRE_PYDANTIC"), "pydantic v1 not installed")
class StricterThanPydanticTest(unittest.TestCase):
    def test_pydantic_accepts_flowspec_rejects(self):
        self.assertIsNotNone(BaseModel, "pydantic v1 is required (FLOWSPEC_REQUIRE_PYDANTIC is set)")
        pairs = {
            "deployment": (RefDeployment, flowspec.FlowDeployment),
            "wdeployment": (RefWorkerDeployment, flowspec.worker.FlowDeployment),
            "spec": (RefSpec, flowspec.FlowSpec),
            "wspec": (RefWorkerSpec, flowspec.worker.FlowSpec),
        }
        for model, kw in STRICTER:
            if model in ("spec", "wspec"):
                kw = dict(kw, flow=Flow("f"), docker_env="base")
            ref_cls, ours_cls = pairs[model]
            with self.subTest(model=model, kwargs=repr(kw)):
                ref_cls(**kw)
                with self.assertRaises(flowspec.ValidationError):
                    ours_cls(**kw)


# What code may do to models after building them, run against pydantic v1
# and against flowspec: each program builds models from the classes it is
# given (E, D, S) and returns what it observes. Aliasing follows pydantic's
# rules: a typed list or dict field gets a new container, a plain dict field
# keeps the caller's, a model given for a field is copied shallowly and
# shares its __dict__, and assignment is not validated.
MUTATIONS = [
    "deps = [D(deployment_name='a')]\n"
    "s = S(flow=F, docker_env='b', ephemeral_storage_gb=40, deployments=deps)\n"
    "s.deployments.append(D(deployment_name='x'))\n"
    "s.ephemeral_storage_gb = 150\n"
    "deps.append(D(deployment_name='late'))\n"
    "R = (s.ephemeral_storage_gb, [d.deployment_name for d in s.deployments], len(deps))",
    "d = D(deployment_name='a')\n"
    "s = S(flow=F, docker_env='b', deployments=[d])\n"
    "d.cpu = '2048'\n"
    "R = (s.deployments[0].cpu, s.deployments[0] is d)",
    "p = {'x': [1]}\n"
    "d = D(deployment_name='a', parameters=p)\n"
    "p['y'] = 2\n"
    "p['x'].append(2)\n"
    "R = d.parameters",
    "d = D(deployment_name='a', cpu=1024, memory=2048)\n"
    "R = (d.cpu, d.memory, d.parameters, d.envars)",
    "a = D(deployment_name='a')\n"
    "b = D(deployment_name='b')\n"
    "a.envars.append(E(envar_name='N', envar_value='V'))\n"
    "R = (len(a.envars), len(b.envars))",
    "s = S(flow=F, docker_env='b')\n"
    "s.deployments.append(D(deployment_name='z'))\n"
    "s.docker_env += '-2'\n"
    "R = ([d.deployment_name for d in s.deployments], s.docker_env)",
    "e = E(envar_name='A', envar_value='1')\n"
    "d = D(deployment_name='a', envars=[e])\n"
    "e.envar_value = '2'\n"
    "R = d.envars[0].envar_value",
    "s = S(flow=F, docker_env='b', deployments=[{'deployment_name': 'from-dict', 'cpu': 512, 'memory': 1024}])\n"
    "R = (type(s.deployments[0]) is D, s.deployments[0].cpu)",
    "s = S(flow=F, docker_env='b')\n"
    "try:\n"
    "    s.not_a_field = 1\n"
    "    R = 'stored'\n"
    "except ValueError as e:\n"
    "    R = str(e)",
    "d = D(deployment_name='a')\n"
    "setattr(d, 'memory', '4096')\n"
    "R = getattr(d, 'memory')",
]


@unittest.skipIf(BaseModel is None and not os.environ.get("FLOWSPEC_REQUIRE_PYDANTIC"), "pydantic v1 not installed")
class MutationParityTest(unittest.TestCase):
    def test_programs_observe_the_same(self):
        self.assertIsNotNone(BaseModel, "pydantic v1 is required (FLOWSPEC_REQUIRE_PYDANTIC is set)")
        for program in MUTATIONS:
            with self.subTest(program=program):
                got = []
                for E, D, S in ((RefEnvar, RefDeployment, RefSpec),
                                (flowspec.FlowEnvar, flowspec.FlowDeployment, flowspec.FlowSpec)):
                    ns = {"E": E, "D": D, "S": S, "F": Flow("f")}
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        exec(program, ns)
                    r = ns["R"]
                    got.append(r.replace("RefSpec", "FlowSpec") if isinstance(r, str) else r)
                self.assertEqual(got[0], got[1])


def _typed(v):
    """A value with the type of every leaf spelled out, so '1' != 1 and 1 != True."""
    if isinstance(v, dict):
        return {_typed(k): _typed(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_typed(x) for x in v])
    if isinstance(v, float) and v != v:
        return ("float", "nan")
    return (type(v).__name__, v)


if __name__ == "__main__":
    unittest.main()
