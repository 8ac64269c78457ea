"""Unit tests of the flowspec models: defaults, coercions, errors, warnings."""

import os
import unittest
import warnings

import flowspec
import flowspec.worker
from flowspec import FlowDeployment, FlowEnvar, FlowSecret, FlowSpec, UnknownFieldWarning, ValidationError


class Flow(object):
    def __init__(self, name="my-flow"):
        self.name = name
        self.fn = lambda: None


class CronSchedule(object):
    def __init__(self, cron):
        self.cron = cron


class ModelsTest(unittest.TestCase):
    def test_defaults(self):
        flow = Flow()
        spec = FlowSpec(flow=flow, docker_env="base", deployments=[{"deployment_name": "d"}])
        self.assertIs(spec.flow, flow)
        self.assertEqual(spec.secrets, [])
        self.assertEqual(spec.envars, [])
        self.assertEqual(spec.ephemeral_storage_gb, 20)
        d = spec.deployments[0]
        self.assertIsInstance(d, FlowDeployment)
        self.assertEqual((d.deployment_name, d.cpu, d.memory, d.parameters, d.schedule, d.envars),
                         ("d", "256", "512", {}, None, []))

    def test_defaults_are_not_shared(self):
        a = FlowDeployment(deployment_name="a")
        b = FlowDeployment(deployment_name="b")
        a.parameters["k"] = 1
        a.envars.append(FlowEnvar(envar_name="N", envar_value="V"))
        self.assertEqual(b.parameters, {})
        self.assertEqual(b.envars, [])

    def test_coercions(self):
        cases = [
            ({"deployment_name": 7, "cpu": 1024, "memory": 2048}, ("7", "1024", "2048")),
            ({"deployment_name": "x", "cpu": 256}, ("x", "256", "512")),
        ]
        for kwargs, want in cases:
            with self.subTest(kwargs=kwargs):
                d = FlowDeployment(**kwargs)
                self.assertEqual((d.deployment_name, d.cpu, d.memory), want)
        d = FlowDeployment(deployment_name="d", parameters={1: "one", "k": [1, {"x": None}]})
        self.assertEqual(d.parameters, {"1": "one", "k": [1, {"x": None}]})
        self.assertEqual(FlowSpec(flow=Flow(), docker_env="e", ephemeral_storage_gb=150.9).ephemeral_storage_gb, 150)
        self.assertEqual(FlowSpec(flow=Flow(), docker_env="e", ephemeral_storage_gb="42").ephemeral_storage_gb, 42)

    def test_errors_name_the_field(self):
        cases = [
            (FlowDeployment, {}, "1 validation error for FlowDeployment\ndeployment_name\n"
                                 "  field required (type=value_error.missing)"),
            (FlowEnvar, {"envar_name": "A", "envar_value": 1}, "1 validation error for FlowEnvar\nenvar_value\n"
                                                               "  str type expected (type=type_error.str)"),
            (FlowSpec, {"flow": Flow(), "docker_env": "e", "ephemeral_storage_gb": 19},
             "1 validation error for FlowSpec\nephemeral_storage_gb\n  ensure this value is greater than 19 "
             "(type=value_error.number.not_gt; limit_value=19)"),
            (FlowSpec, {"flow": Flow(), "docker_env": "e", "ephemeral_storage_gb": 201},
             "1 validation error for FlowSpec\nephemeral_storage_gb\n  ensure this value is less than 201 "
             "(type=value_error.number.not_lt; limit_value=201)"),
            (FlowSpec, {"flow": Flow(), "docker_env": "e", "deployments": [{"deployment_name": "a"}, {"cpu": 1}]},
             "1 validation error for FlowSpec\ndeployments -> 1 -> deployment_name\n"
             "  field required (type=value_error.missing)"),
            (FlowSpec, {"flow": print, "docker_env": None},
             "2 validation errors for FlowSpec\nflow\n  instance of Flow expected "
             "(type=type_error.arbitrary_type; expected_arbitrary_type=Flow)\ndocker_env\n"
             "  none is not an allowed value (type=type_error.none.not_allowed)"),
            (FlowDeployment, {"deployment_name": "d", "schedule": "0 * * * *"},
             "1 validation error for FlowDeployment\nschedule\n  value is not a Prefect schedule "
             "(CronSchedule, IntervalSchedule or RRuleSchedule) (type=type_error.schedule)"),
        ]
        for cls, kwargs, want in cases:
            with self.subTest(cls=cls.__name__, kwargs=kwargs):
                with self.assertRaises(ValidationError) as ctx:
                    cls(**kwargs)
                self.assertEqual(want, str(ctx.exception))
                self.assertIsInstance(ctx.exception, ValueError)

    def test_schedule_objects_are_kept(self):
        s = CronSchedule("0 0 * * *")
        self.assertIs(FlowDeployment(deployment_name="d", schedule=s).schedule, s)
        self.assertIsNone(FlowDeployment(deployment_name="d", schedule=None).schedule)

    def test_secrets_accept_flow_secret_and_dicts(self):
        spec = FlowSpec(flow=Flow(), docker_env="e", secrets=[
            FlowSecret(envar_name="A", secret_name="a/b"),
            {"envar_name": "B", "envar_value": "c"},
            FlowEnvar(envar_name="C", envar_value="d"),
        ])
        self.assertEqual([tuple(dict(s).values()) for s in spec.secrets], [("A", "a/b"), ("B", "c"), ("C", "d")])
        self.assertIsInstance(spec.secrets[0], FlowSecret)
        self.assertIsInstance(spec.secrets[1], FlowEnvar)
        spec = FlowSpec(flow=Flow(), docker_env="e", secrets=[{"envar_name": "S", "secret_name": "x"}])
        self.assertIsInstance(spec.secrets[0], FlowSecret)
        with self.assertRaises(ValidationError) as ctx:
            FlowSpec(flow=Flow(), docker_env="e", secrets=[{"envar_name": "S"}])
        self.assertEqual([e["loc"] for e in ctx.exception.errors()],
                         [("secrets", 0, "envar_value"), ("secrets", 0, "secret_name")])

    def test_unknown_keywords_warn_with_the_closest_field(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            d = FlowDeployment(deployment_name="d", schedul=None)
        self.assertEqual(d.schedule, None)
        self.assertEqual(len(caught), 1)
        self.assertIs(caught[0].category, UnknownFieldWarning)
        self.assertEqual(str(caught[0].message), "FlowDeployment: unknown field 'schedul' ignored (did you mean 'schedule'?)")
        self.assertEqual(caught[0].filename, __file__)

    def test_nested_warnings_point_at_the_caller_and_union_attempts_stay_quiet(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            FlowSpec(flow=Flow(), docker_env="e",
                     secrets=[{"envar_name": "S", "secret_name": "x"}],
                     deployments=[{"deployment_name": "d", "memroy": "1"}])
        self.assertEqual([str(w.message) for w in caught],
                         ["FlowDeployment: unknown field 'memroy' ignored (did you mean 'memory'?)"])
        self.assertEqual(caught[0].filename, __file__)

    def test_dict_iter_repr_eq(self):
        e = FlowEnvar(envar_name="A", envar_value="B")
        self.assertEqual(dict(e), {"envar_name": "A", "envar_value": "B"})
        self.assertEqual(repr(e), "FlowEnvar(envar_name='A', envar_value='B')")
        self.assertEqual(e, FlowEnvar(envar_name="A", envar_value="B"))
        self.assertNotEqual(e, FlowEnvar(envar_name="A", envar_value="C"))
        d = FlowDeployment(deployment_name="d", envars=[e])
        self.assertEqual(d.dict()["envars"], [{"envar_name": "A", "envar_value": "B"}])

    def test_positional_arguments_are_refused(self):
        with self.assertRaises(TypeError):
            FlowEnvar("A", "B")  # type: ignore[misc]

    def test_py_typed_is_shipped(self):
        here = os.path.dirname(flowspec.__file__)
        self.assertTrue(os.path.isfile(os.path.join(here, "py.typed")))


class WorkerModelsTest(unittest.TestCase):
    def setUp(self):
        self._saved = os.environ.pop(flowspec.worker.DEFAULT_WORK_POOL_ENV, None)

    def tearDown(self):
        os.environ.pop(flowspec.worker.DEFAULT_WORK_POOL_ENV, None)
        if self._saved is not None:
            os.environ[flowspec.worker.DEFAULT_WORK_POOL_ENV] = self._saved

    def test_defaults(self):
        d = flowspec.worker.FlowDeployment(name="daily")
        self.assertEqual(d.dict(), {
            "name": "daily", "cron": None, "timezone": "UTC", "parameters": {}, "description": None,
            "tags": [], "version": None, "enforce_parameter_schema": False,
            "work_pool_name": "mozilla-aws-ecs-fargate", "work_queue_name": "default", "job_variables": {},
        })
        spec = flowspec.worker.FlowSpec(flow=Flow(), docker_env="e", deployments=[d])
        self.assertFalse(spec.is_agent)

    def test_default_work_pool_from_env(self):
        os.environ[flowspec.worker.DEFAULT_WORK_POOL_ENV] = "team-pool"
        self.assertEqual(flowspec.worker.FlowDeployment(name="d").work_pool_name, "team-pool")
        self.assertEqual(flowspec.worker.FlowDeployment(name="d", work_pool_name="x").work_pool_name, "x")

    def test_coercions_and_errors(self):
        d = flowspec.worker.FlowDeployment(name=3, tags=("a", 1), enforce_parameter_schema="yes", version=1.0)
        self.assertEqual((d.name, d.tags, d.enforce_parameter_schema, d.version), ("3", ["a", "1"], True, "1.0"))
        with self.assertRaises(ValidationError) as ctx:
            flowspec.worker.FlowSpec(flow=Flow(), docker_env="e", is_agent="maybe", deployments=[{"tags": "a"}])
        self.assertEqual([e["loc"] for e in ctx.exception.errors()],
                         [("deployments", 0, "name"), ("deployments", 0, "tags"), ("is_agent",)])


if __name__ == "__main__":
    unittest.main()
