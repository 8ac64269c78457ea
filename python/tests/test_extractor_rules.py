"""The checks flowspec makes beyond pydantic v1 because flowplan's extractor
makes them (extractor/internal/lift): JSON-serializable parameters and job variables,
flow parameter defaults that fit Prefect's parameter schema, and deployment
names that stay distinct (slugified in the agent era, as written in the
worker era).

Expected messages are the extractor's own, copied from its tests
(extractor/internal/lift/lift_test.go, json_test.go) without their position prefix,
model prefix and ``(in `...`)`` suffix. Expected slugs are python-slugify
8.0.1's, from extractor/slug/slug_test.go (computed with python-slugify and
text-unidecode 1.3).
"""

import datetime
import decimal
import enum
import unittest
import uuid

import flowspec
import flowspec.worker
from flowspec import FlowDeployment, FlowSpec, ValidationError, slugify
from flowspec._json import go_quote, not_json
from flowspec._translit import BLOCKS


class Flow(object):
    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__


def no_params():
    pass


def spec(**kw):
    return FlowSpec(flow=Flow(no_params), docker_env="base", **kw)


def wspec(**kw):
    return flowspec.worker.FlowSpec(flow=Flow(no_params), docker_env="base", **kw)


def errors_of(build):
    try:
        build()
    except ValidationError as e:
        return [(d["loc"], d["msg"]) for d in e.errors()]
    return None


SET_MSG = "Object of type set is not JSON serializable (json.dumps raises TypeError)"


class ParametersMustBeJSON(unittest.TestCase):
    def test_rejected_with_the_path_and_the_extractors_reason(self):
        cases = [
            # lift_test.go "parameters with a set"
            ({"ids": [1, {2}]}, ("ids", 1), 'parameters["ids"][1]: not JSON-serializable, so Prefect cannot store it: ' + SET_MSG),
            # lift_test.go "parameters with a datetime"
            ({"start": datetime.datetime(2023, 1, 1)}, ("start",),
             'parameters["start"]: not JSON-serializable, so Prefect cannot store it: '
             "Object of type datetime is not JSON serializable (json.dumps raises TypeError)"),
            # json_test.go TestJSONErrors, each under parameters["k"]
            ({"k": [frozenset()]}, ("k", 0), 'parameters["k"][0]: not JSON-serializable, so Prefect cannot store it: '
             "Object of type frozenset is not JSON serializable (json.dumps raises TypeError)"),
            ({"k": datetime.date(2023, 1, 2)}, ("k",), 'parameters["k"]: not JSON-serializable, so Prefect cannot store it: '
             "Object of type date is not JSON serializable (json.dumps raises TypeError)"),
            ({"k": [datetime.timedelta(days=1)]}, ("k", 0), 'parameters["k"][0]: not JSON-serializable, so Prefect '
             "cannot store it: Object of type timedelta is not JSON serializable (json.dumps raises TypeError)"),
            ({"k": b"x"}, ("k",), 'parameters["k"]: not JSON-serializable, so Prefect cannot store it: '
             "Object of type bytes is not JSON serializable (json.dumps raises TypeError)"),
            ({"a": [float("nan")]}, ("a", 0), 'parameters["a"][0]: not JSON-serializable, so Prefect cannot store it: '
             "float nan is not valid JSON (json.dumps would write the non-standard token NaN)"),
            ({"k": float("-inf")}, ("k",), 'parameters["k"]: not JSON-serializable, so Prefect cannot store it: '
             "float -inf is not valid JSON (json.dumps would write the non-standard token -Infinity)"),
            ({"k": {(1,): 2}}, ("k",), 'parameters["k"]: not JSON-serializable, so Prefect cannot store it: '
             "keys must be str, int, float, bool or None, not tuple (json.dumps raises TypeError)"),
            # objects json.dumps does not know, and a key needing Go's escaping
            ({"k": decimal.Decimal("1.5")}, ("k",), 'parameters["k"]: not JSON-serializable, so Prefect cannot store it: '
             "Object of type Decimal is not JSON serializable (json.dumps raises TypeError)"),
            ({"k": FlowDeployment(deployment_name="x")}, ("k",), 'parameters["k"]: not JSON-serializable, so Prefect '
             "cannot store it: Object of type FlowDeployment is not JSON serializable (json.dumps raises TypeError)"),
            ({"a\n\"b\"": {"é": {3}}}, ("a\n\"b\"", "é"), 'parameters["a\\n\\"b\\""]["é"]: not JSON-serializable, '
             "so Prefect cannot store it: " + SET_MSG),
        ]
        for params, path, msg in cases:
            with self.subTest(params=repr(params)):
                got = errors_of(lambda: spec(deployments=[FlowDeployment(deployment_name="d", parameters={"ok": 1})] +
                                             [{"deployment_name": "e", "parameters": params}]))
                self.assertEqual(got, [(("deployments", 1, "parameters") + path, msg)])

    def test_only_the_first_bad_part_is_reported(self):
        got = errors_of(lambda: FlowDeployment(deployment_name="d", parameters={"a": {1}, "b": b"x"}))
        self.assertEqual(got, [(("parameters", "a"), 'parameters["a"]: not JSON-serializable, so Prefect cannot store it: '
                                + SET_MSG)])

    def test_json_values_are_accepted(self):
        params = {"none": None, "b": [True, False], "big": 10 ** 30, "f": [0.5, 1e16, -0.0], "s": "a\"b\n<&>é",
                  "t": (1, ()), "nested": {"a": [{"b": None}]}, 7: "int key"}
        d = FlowDeployment(deployment_name="d", parameters=params)
        self.assertEqual(d.parameters["t"], (1, ()))
        self.assertEqual(d.parameters["7"], "int key")

    def test_worker_parameters_keep_keys_json_coerces(self):
        d = flowspec.worker.FlowDeployment(name="n", parameters={1: "i", 2.5: "f", False: "t", None: "n", float("inf"): "x"})
        self.assertEqual(list(d.parameters), [1, 2.5, False, None, float("inf")])
        got = errors_of(lambda: flowspec.worker.FlowDeployment(name="n", parameters={(1, 2): 1}))
        self.assertEqual(got, [(("parameters",), "parameters: not JSON-serializable, so Prefect cannot store it: "
                                "keys must be str, int, float, bool or None, not tuple (json.dumps raises TypeError)")])

    def test_keys_that_become_equal_keep_the_last_value(self):
        # json_test.go TestJSONMergesKeysThatBecomeEqual: the extractor reads
        # {1: .., "1": ..} as one key holding the last value, so an earlier
        # bad value under the same JSON key is not reported.
        self.assertIsNone(not_json({1: {1}, "x": 0, "1": "b"}))
        self.assertIsNotNone(not_json({1: "a", "1": {1}}))

    def test_worker_job_variables(self):
        # lift_test.go: FlowDeployment.job_variables["s"]
        got = errors_of(lambda: wspec(deployments=[{"name": "n", "job_variables": {"s": {1}}}]))
        self.assertEqual(got, [(("deployments", 0, "job_variables", "s"),
                                'job_variables["s"]: not JSON-serializable, so Prefect cannot store it: ' + SET_MSG)])
        self.assertEqual(flowspec.worker.FlowDeployment(name="n", job_variables={1: [1]}).job_variables, {"1": [1]})

    def test_go_quote(self):
        cases = [("a", '"a"'), ('a"b\\', '"a\\"b\\\\"'), ("\n\t\x07", '"\\n\\t\\a"'), ("\x01\x7f", '"\\x01\\x7f"'),
                 ("é✓", '"é✓"'), ("\u200b", '"\\u200b"'), ("\U000e0001", '"\\U000e0001"')]
        for s, want in cases:
            self.assertEqual(go_quote(s), want)


class FlowDefaultsMustFitTheSchema(unittest.TestCase):
    def test_rejected(self):
        def my_flow(ids={1, 2}, ok=1, when=float("nan"), raw=b"\xff", obj=uuid.UUID(int=0)):
            pass

        got = errors_of(lambda: FlowSpec(flow=Flow(my_flow), docker_env="base"))
        self.assertEqual(got, [
            # lift_test.go: "flow my_flow: default of parameter ids cannot go ..."
            (("flow", "ids"), "flow my_flow: default of parameter ids cannot go into Prefect's parameter schema: "
                              "the order of a set's elements depends on hashing and is not known statically"),
            (("flow", "when"), "flow my_flow: default of parameter when cannot go into Prefect's parameter schema: "
                               "float nan is not valid JSON (json.dumps would write the non-standard token NaN)"),
            (("flow", "raw"), "flow my_flow: default of parameter raw cannot go into Prefect's parameter schema: "
                              "'utf-8' codec can't decode the bytes"),
            (("flow", "obj"), "flow my_flow: default of parameter obj cannot go into Prefect's parameter schema: "
                              "Object of type UUID is not JSON serializable"),
        ])

    def test_accepted(self):
        # json_test.go TestJSONableDefault: what pydantic's encoder adds to json.dumps
        def my_flow(a, dt=datetime.datetime(2023, 1, 2, 3, 4, 5, 6), d=datetime.date(2023, 1, 2),
                    td=datetime.timedelta(days=1), s={"a"}, b=b"ab", m=FlowDeployment(deployment_name="x"),
                    nested=({"k": [frozenset()]},)):
            pass

        self.assertIs(FlowSpec(flow=Flow(my_flow), docker_env="base").flow.fn, my_flow)
        self.assertEqual(flowspec.worker.FlowSpec(flow=Flow(my_flow), docker_env="base").flow.fn, my_flow)

    def test_enum_members(self):
        # json_test.go TestJSONEnumMembers: pydantic's encode_default gives a
        # member's value, which must fit the schema itself.
        class Cadence(enum.Enum):
            daily = "0 6 * * *"
            many = frozenset({1, 2})

        class Kind(str, enum.Enum):
            a = "a"

        def my_flow(c=Cadence.daily, k=Kind.a, ks=(Kind.a, Cadence.daily), bad=Cadence.many):
            pass

        got = errors_of(lambda: FlowSpec(flow=Flow(my_flow), docker_env="base"))
        self.assertEqual(got, [
            (("flow", "bad"), "flow my_flow: default of parameter bad cannot go into Prefect's parameter schema: "
                              "the order of a frozenset's elements depends on hashing and is not known statically"),
        ])

    def test_worker_era_too(self):
        def f(x={1, 2}):
            pass

        got = errors_of(lambda: flowspec.worker.FlowSpec(flow=Flow(f), docker_env="base"))
        self.assertEqual([loc for loc, _ in got], [("flow", "x")])


class DeploymentNamesMustStayDistinct(unittest.TestCase):
    def test_agent_names_that_slugify_alike(self):
        # lift_test.go "names that slugify alike"
        got = errors_of(lambda: spec(deployments=[{"deployment_name": "Daily Run"}, {"deployment_name": "daily_run"}]))
        self.assertEqual(got, [(("deployments", 1, "deployment_name"),
                                'deployments[1].deployment_name "daily_run" becomes "daily-run", as does deployment 0 '
                                '("Daily Run"): Prefect would keep only one of them')])

    def test_every_collision_is_reported(self):
        got = errors_of(lambda: spec(deployments=[FlowDeployment(deployment_name=n) for n in
                                                  ["a b", "other", "A-B", "a b", "Straße", "strasse", "Other!"]]))
        self.assertEqual(got, [
            (("deployments", 2, "deployment_name"),
             'deployments[2].deployment_name "A-B" becomes "a-b", as does deployment 0 ("a b"): Prefect would keep only one of them'),
            (("deployments", 3, "deployment_name"),
             'deployments[3].deployment_name "a b" is the same name as deployment 0 ("a b"): Prefect would keep only one of them'),
            (("deployments", 5, "deployment_name"),
             'deployments[5].deployment_name "strasse" becomes "strasse", as does deployment 4 ("Straße"): Prefect would keep only one of them'),
            (("deployments", 6, "deployment_name"),
             'deployments[6].deployment_name "Other!" becomes "other", as does deployment 1 ("other"): Prefect would keep only one of them'),
        ])

    def test_distinct_slugs_pass(self):
        s = spec(deployments=[{"deployment_name": "daily"}, {"deployment_name": "daily-2"}, {"deployment_name": 7}])
        self.assertEqual([d.deployment_name for d in s.deployments], ["daily", "daily-2", "7"])

    def test_checked_only_when_every_field_is_valid(self):
        got = errors_of(lambda: spec(ephemeral_storage_gb=5, deployments=[{"deployment_name": "a"}, {"deployment_name": "A"}]))
        self.assertEqual([loc for loc, _ in got], [("ephemeral_storage_gb",)])

    def test_worker_names_only_when_equal(self):
        # lift_test.go: deployments[1].name "n" is the same name as deployment 0 ("n")
        got = errors_of(lambda: wspec(deployments=[{"name": "n"}, {"name": "N"}, {"name": "n"}]))
        self.assertEqual(got, [(("deployments", 2, "name"),
                                'deployments[2].name "n" is the same name as deployment 0 ("n"): Prefect would keep only one of them')])
        self.assertEqual(len(wspec(deployments=[{"name": "a b"}, {"name": "a-b"}]).deployments), 2)

    def test_message_of_a_spec(self):
        with self.assertRaises(ValidationError) as cm:
            spec(deployments=[{"deployment_name": "x"}, {"deployment_name": "X"}])
        self.assertEqual(str(cm.exception), "1 validation error for FlowSpec\ndeployments -> 1 -> deployment_name\n"
                                            '  deployments[1].deployment_name "X" becomes "x", as does deployment 0 ("x"): '
                                            "Prefect would keep only one of them (type=value_error.duplicate_name)")


# python-slugify 8.0.1's answers, from extractor/slug/slug_test.go (makeCases).
SLUG_CASES = [
    ("it's", "it-s"), ("Hello World_x", "hello-world-x"), ("data.products", "data-products"), ("Straße", "strasse"),
    ("1,000 rows", "1000-rows"), ("a,b 1,2,3", "a-b-123"), ("", ""), ("---", ""),
    ("  Leading and trailing  ", "leading-and-trailing"), ("caf&eacute;", "cafe"), ("&amp;&lt;tag&gt;", "tag"),
    ("it&#39;s", "its"), ("&#65;&#x42;C", "abc"), ("&#x41;", "a"), ("&#X41;", "x41"), ("&#1114112;&#65;", "1114112-65"),
    ("&#1114111;x", "x"), ("&#xD800;ok", "ok"), ("&amp;#65;", "a"), ("&bogus;x", "bogus-x"), ("&amp", "amp"),
    ("Ünïcödé Flow", "unicode-flow"), ("Объект ъ", "obekt"), ("ﬁle ﬂow", "file-flow"), ("Ｆｕｌｌ", "full"),
    ("½ cup", "1-2-cup"), ("x\u0241y", "x-y"), ("emoji 😀 ok", "emoji-ok"), ("𝐀bc", "bc"),
    ("data-products.examples.hello-flow", "data-products-examples-hello-flow"), ("flow_1", "flow-1"),
    ("Mr. O'Neil's 'quoted' name", "mr-o-neil-s-quoted-name"), ("tab\there", "tab-here"), ("ÆØÅ æøå", "aeoa-aeoa"),
    ("Ελληνικά", "ellenika"), ("İstanbul", "istanbul"), ("1,,2", "1-2"), ("٣,٤", "34"), ("&#1635;,1", "1"),
    ("a\x7fb", "a-b"), ("naïve café", "naive-cafe"), ("C++ / C#", "c-c"),
    ("São Paulo's ETL v2.0", "sao-paulo-s-etl-v2-0"), ("&Eacute;t&eacute;", "e-te"),
    ("10,000,000 items", "10000000-items"), ("ǅungla", "dzungla"), ("Ⅻ", "xii"), ("ﬀ", "ff"), ("&#0065;", "a"),
    ("&#00000000065;", "a"), ("&#x000041;", "a"), ("Données Produits.v2", "donnees-produits-v2"),
    ("Équipe Marketing", "equipe-marketing"), ("straße_läufer", "strasse-laufer"), ("it's.team", "it-s-team"),
    ("Täglich & Wöchentlich", "taglich-wochentlich"), ("1,000 Straßen", "1000-strassen"),
    ("Mr. O'Neil's report v2.0", "mr-o-neil-s-report-v2-0"),
]


class Slugify(unittest.TestCase):
    def test_python_slugify_answers(self):
        for text, want in SLUG_CASES:
            with self.subTest(text=text):
                self.assertEqual(slugify(text), want)

    def test_characters_outside_the_carried_blocks_are_kept(self):
        # python-slugify gives "bei-jing" and "ri-ben-yu-nohuro" (slug_test.go);
        # flowspec keeps the ideographs, the documented difference.
        self.assertEqual(slugify("北京"), "北京")
        self.assertEqual(slugify("日本語のフロー"), "日本語nohuro")
        self.assertEqual(slugify("北京 Flow!"), slugify("北京-flow"))
        self.assertNotEqual(slugify("北京"), slugify("北"))

    def test_table_is_ordered_and_ascii(self):
        end = 0x80
        for first, table in BLOCKS:
            self.assertGreaterEqual(first, end)
            end = first + len(table)
            self.assertLessEqual(end, 0x10000)
            for s in table:
                self.assertTrue(all(ord(c) < 0x80 for c in s), repr(s))


if __name__ == "__main__":
    unittest.main()
