package eval

import (
	"context"
	"github.com/flowplan/flowplan/extractor/spec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/internal/value"
)

// mapFinder is a ModuleFinder over in-memory sources.
type mapFinder map[string]string

func (f mapFinder) Find(path string) (string, []byte, bool, error) {
	src, ok := f[path]
	if !ok {
		return "", nil, false, nil
	}
	file := strings.ReplaceAll(path, ".", "/") + ".py"
	if strings.HasSuffix(src, "#package\n") {
		file = strings.ReplaceAll(path, ".", "/") + "/__init__.py"
	}
	return file, []byte(src), true, nil
}

func evalFlow(t *testing.T, src string, opts Options) *ModuleResult {
	t.Helper()
	if opts.Getenv == nil {
		opts.Getenv = testEnv
	}
	return New(opts).EvalFile(context.Background(), "flows/x_flow.py", []byte(src))
}

// refusal is what a flow file whose FLOW_SPEC uses docker_env=X says: its
// errors, or the reason docker_env is not known.
func refusal(t *testing.T, r *ModuleResult) string {
	t.Helper()
	if errs := errorsOf(r); len(errs) > 0 {
		return strings.Join(errs, "\n")
	}
	u, ok := arg(t, r.FlowSpec.(*value.Instance), "docker_env").(value.Unknown)
	require.True(t, ok, "docker_env should be unknown")
	return u.Err.Error()
}

func errorsOf(r *ModuleResult) []string {
	var out []string
	for _, d := range r.Diags.Errors() {
		out = append(out, d.Error())
	}
	return out
}

func arg(t *testing.T, inst *value.Instance, name string) value.Value {
	t.Helper()
	for _, a := range inst.Args {
		if a.Name == name {
			return a.Value
		}
	}
	t.Fatalf("no argument %s", name)
	return nil
}

const header = `from prefect import flow
from common.deployment import FlowSpec, FlowDeployment, FlowEnvar
`

func TestFlowFunction(t *testing.T) {
	tests := []struct {
		name, src         string
		fn, flowName      string
		desc              *string
		params            []string // name:kind:annotation=default
		defaultErrContain string
	}{
		{"bare decorator and docstring", "@flow\ndef my_flow(a: int, b: str = \"x\", *, c=None):\n    \"\"\"\n    Line one.\n\n      indented\n    \"\"\"\n",
			"my_flow", "my-flow", ptr("Line one.\n\n  indented"), []string{"a:positional_or_keyword:int", "b:positional_or_keyword:str='x'", "c:keyword_only:=None"}, ""},
		{"called decorator with name and description", "@flow(name=\"Nice Name\", description=\"desc\", retries=2)\nasync def f():\n    'doc'\n",
			"f", "Nice Name", ptr("desc"), nil, ""},
		{"empty name falls back", "@flow(name=\"\")\ndef a_b(): pass\n", "a_b", "a-b", nil, nil, ""},
		{"aliased import", "from prefect import flow as pflow\n@pflow()\ndef g(): pass\n", "g", "g", nil, nil, ""},
		{"prefect.flow", "import prefect\n@prefect.flow(name='p')\ndef g(): pass\n", "g", "p", nil, nil, ""},
		{"flow called on a function", "def h(x=[1, 2]): pass\nh = flow(h, name='called')\n", "h", "called", nil, []string{"x:positional_or_keyword:=[1, 2]"}, ""},
		{"unknown default recorded", "import pandas\n@flow\ndef g(x=pandas.DataFrame()): pass\n", "g", "g", nil, []string{"x:positional_or_keyword:=?"}, "pandas.DataFrame comes from module pandas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + tt.src + "\nFLOW_SPEC = FlowSpec(flow=" + tt.fn + ", docker_env='base')\n"
			r := evalFlow(t, src, Options{})
			require.Empty(t, errorsOf(r))
			inst := r.FlowSpec.(*value.Instance)
			fn, ok := arg(t, inst, "flow").(*value.Function)
			require.True(t, ok)
			require.NotNil(t, fn.Flow)
			assert.Equal(t, tt.fn, fn.Flow.FunctionName)
			assert.Equal(t, tt.flowName, fn.Flow.Name)
			assert.Equal(t, tt.desc, fn.Flow.Description)
			var got []string
			in := New(Options{})
			for _, p := range fn.Flow.Parameters {
				s := p.Name + ":" + p.Kind + ":" + p.Annotation
				switch {
				case p.DefaultErr != nil:
					s += "=?"
					assert.Contains(t, p.DefaultErr.Error(), tt.defaultErrContain)
				case p.Default != nil:
					m := testModule(t, in)
					s += "=" + m.repr(nil, p.Default)
				}
				got = append(got, s)
			}
			assert.Equal(t, tt.params, got)
		})
	}
}

func ptr(s string) *string { return &s }

func TestFlowSpecValues(t *testing.T) {
	src := header + `import os
from datetime import timedelta
from prefect.orion.schemas.schedules import IntervalSchedule as IS
from common.settings import CommonSettings
import snowflake.connector

settings = CommonSettings()
conn = snowflake.connector.connect()          # unknown, unused: fine
CPU = settings.deployment_type_value(dev=256, staging=512, main=1024)
ENVS = [FlowEnvar(envar_name="A", envar_value=os.getenv("FOO"))]
if settings.is_production:
    NAME = "prod"
else:
    NAME = "dev-" + settings.dev_or_production

@flow
def f(): pass

if __name__ == "__main__":
    FLOW_SPEC = None

FLOW_SPEC = FlowSpec(
    flow=f,
    docker_env="base",
    secrets=ENVS,
    deployments=[FlowDeployment(deployment_name=NAME, cpu=CPU, schedule=IS(interval=timedelta(hours=1)))],
)
`
	for _, tt := range []struct{ dt, name, cpu string }{{"dev", "dev-dev", "256"}, {"main", "prod", "1024"}, {"staging", "dev-dev", "512"}} {
		t.Run(tt.dt, func(t *testing.T) {
			r := evalFlow(t, src, Options{DeploymentType: spec.DeploymentType(tt.dt)})
			require.Empty(t, errorsOf(r))
			inst := r.FlowSpec.(*value.Instance)
			assert.Equal(t, value.ClassAgentFlowSpec, inst.Class.ID)
			assert.Equal(t, strings.Count(src[:strings.Index(src, "FLOW_SPEC = FlowSpec")], "\n")+1, r.FlowSpecPos.Line)
			deps := arg(t, inst, "deployments").(*value.List)
			dep := deps.Elems[0].(*value.Instance)
			assert.Equal(t, value.Str(tt.name), arg(t, dep, "deployment_name"))
			assert.Equal(t, tt.cpu, arg(t, dep, "cpu").(value.Int).V.String())
			sched := arg(t, dep, "schedule").(*value.Instance)
			assert.Equal(t, value.ClassIntervalSchedule, sched.Class.ID)
			assert.Equal(t, value.Timedelta{Seconds: 3600}, arg(t, sched, "interval"))
			env := arg(t, inst, "secrets").(*value.List).Elems[0].(*value.Instance)
			assert.Equal(t, value.Str("bar"), arg(t, env, "envar_value"))
			assert.Equal(t, []EnvRead{{Name: "FOO", Value: "bar", Found: true}}, r.EnvReads)
		})
	}
}

func TestLocalModules(t *testing.T) {
	finder := mapFinder{
		"shared": "#package\n",
		"shared.utils": `from pydantic import BaseModel, Field
from typing import Optional
import os

PREFIX = "team"
TABLES = ["a", "b"]

class SqlJob(BaseModel):
    """A job."""
    name: str
    cpu: int = 512
    tags: list = Field(default_factory=list)
    owner: Optional[str]
    ratio: float = Field(0.5, description="x")

class BigJob(SqlJob):
    cpu: int = 4096

class Smart(BaseModel):
    x: int
    def double(self):
        return self.x * 2
`,
		"flows.helpers": "from shared.utils import PREFIX\nNAME = PREFIX + '-helper'\n",
	}
	src := header + `from shared.utils import SqlJob, BigJob, TABLES
import shared.utils as u
from .helpers import NAME

TABLES.append("mutated-here")
job = BigJob(name="n", ratio=2)
@flow
def f(): pass
FLOW_SPEC = FlowSpec(flow=f, docker_env="base", deployments=[
    FlowDeployment(deployment_name=job.name + NAME, cpu=job.cpu, parameters=job.dict()),
    FlowDeployment(deployment_name=str(len(u.TABLES)), parameters={"s": str(job)}),
])
`
	in := New(Options{Modules: finder, Getenv: testEnv})
	r := in.EvalFile(context.Background(), "flows/x_flow.py", []byte(src))
	require.Empty(t, errorsOf(r))
	deps := arg(t, r.FlowSpec.(*value.Instance), "deployments").(*value.List)
	d0 := deps.Elems[0].(*value.Instance)
	assert.Equal(t, value.Str("nteam-helper"), arg(t, d0, "deployment_name"))
	assert.Equal(t, "4096", arg(t, d0, "cpu").(value.Int).V.String())
	m := testModule(t, in)
	assert.Equal(t, "{'name': 'n', 'cpu': 4096, 'tags': [], 'owner': None, 'ratio': 2.0}", m.repr(nil, arg(t, d0, "parameters")))
	d1 := deps.Elems[1].(*value.Instance)
	assert.Equal(t, value.Str("3"), arg(t, d1, "deployment_name"))
	assert.Equal(t, "{'s': \"name='n' cpu=4096 tags=[] owner=None ratio=2.0\"}", m.repr(nil, arg(t, d1, "parameters")))

	// the mutation stayed in that flow file
	r2 := in.EvalFile(context.Background(), "flows/y_flow.py", []byte(header+"from shared.utils import TABLES\n@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=str(TABLES))\n"))
	require.Empty(t, errorsOf(r2))
	assert.Equal(t, value.Str("['a', 'b']"), arg(t, r2.FlowSpec.(*value.Instance), "docker_env"))

	// a model's methods run
	r3 := in.EvalFile(context.Background(), "flows/z_flow.py", []byte(header+"from shared.utils import Smart\n@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=str(Smart(x=21).double()))\n"))
	require.Empty(t, errorsOf(r3))
	assert.Equal(t, value.Str("42"), arg(t, r3.FlowSpec.(*value.Instance), "docker_env"))
}

func TestUnknownsAndTaint(t *testing.T) {
	tests := []struct {
		name, body, use, want string
	}{
		{"unknown function", "X = get_config()\n", "X", "NameError: name 'get_config' is not defined"},
		{"unknown module attribute", "import pandas as pd\nX = pd.read_csv('x')\n", "X", "flows/x_flow.py:4:5: cannot know statically: pandas.read_csv comes from module pandas"},
		{"unknown value returned by a function", "import lib\ndef g():\n    return lib.V\nX = g()\n", "X", "lib.V comes from module lib"},
		{"async function call", "async def g():\n    return 'a'\nX = g()\n", "X", "calling an async function makes a coroutine"},
		{"generator function call", "def g():\n    yield 'a'\nX = g()\n", "X", "calling a generator function makes a generator"},
		{"uncertain return", "import lib\ndef g():\n    if lib.flag():\n        return 'a'\n    return 'b'\nX = g()\n", "X", "it decides the `if` at line 5"},
		{"uncertain break", "import lib\nX = 'a'\nfor i in range(3):\n    if lib.flag():\n        break\n    X = X + 'a'\n", "X", "it decides the `if` at line 6"},
		{"argument of unknown call is tainted", "import lib\nD = {'a': 1}\nlib.fill(D)\nX = D['a']\n", "X", "flows/x_flow.py:5:1: cannot know statically: lib.fill comes from module lib"},
		{"unknown condition", "import os, lib\nif lib.flag():\n    X = 'a'\nelse:\n    X = 'b'\n", "X", "it decides the `if` at line 4"},
		{"name bound only in a function", "def g():\n    X = 1\n", "X", "NameError: name 'X' is not defined (it is bound only inside function g)"},
		{"try with unknown import", "try:\n    import lib\n    X = lib.V\nexcept ImportError:\n    X = 'fallback'\n", "X", "the except clause at line 6 may run"},
		{"star import from unknown module", "from lib import *\n", "X", "may come from a star import"},
		{"set iteration order", "X = list({'b', 'a'})\n", "X", "depends on hashing"},
		{"unsupported builtin", "X = hex(255)\n", "X", "flows/x_flow.py:3:5: cannot know statically: builtin hex is not supported"},
		{"case data of a newer Unicode", "X = 'a\\u0ece'.upper()\n", "X", "flows/x_flow.py:3:5: cannot know statically: the case data of U+0ECE differ between the extractor's Unicode"},
		{"several allowed extra fields", "from pydantic import BaseModel\nclass J(BaseModel):\n    class Config:\n        extra = 'allow'\nX = J(x=1, y=2).x\n", "X", "in the order of a Python set of strings"},
		{"unmodeled Config setting", "from pydantic import BaseModel\nclass J(BaseModel):\n    a: str = 'a'\n    class Config:\n        anystr_lower = True\nX = J().a\n", "X", "Config.anystr_lower: this setting is not modeled (at flows/x_flow.py:7:24)"},
		{"nested model error", "from pydantic import BaseModel\nclass I(BaseModel):\n    a: int\nclass O(BaseModel):\n    i: I\nX = O(i={1: 2}).i\n", "X", "pydantic's validation of O.i (I) for a dict value is not modeled"},
		{"frozen dataclass", "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass D:\n    x: str = 'a'\nX = D().x\n", "X", "dataclass(frozen=True) is not supported"},
		{"inherited field redefined with an unmodeled annotation", "from pydantic import BaseModel\nfrom typing import Optional\nclass P(BaseModel):\n    x: Optional[int] = None\nclass C(P):\n    x = 5\nX = str(C().x)\n", "X", "redefining inherited field x (Optional[int]) without an annotation is not modeled"},
		{"BaseModel method not modeled", "from pydantic import BaseModel\nclass J(BaseModel):\n    a: int = 1\nX = J.parse_raw('{}')\n", "X", "class attribute J.parse_raw is not evaluated"},
		{"validator replaced in a subclass", "from pydantic import BaseModel, validator\nclass P(BaseModel):\n    a: str = 'a'\n    @validator('a')\n    def v(cls, x):\n        return x + 'P'\nclass C(P):\n    @validator('a')\n    def v(cls, x):\n        return x + 'C'\nX = C().a\n", "X", "validator v replaces a base class's validator of the same name"},
		{"star validator across classes", "from pydantic import BaseModel, validator\nclass P(BaseModel):\n    a: str = 'a'\n    @validator('*')\n    def v(cls, x):\n        return x + 'P'\nclass C(P):\n    @validator('a')\n    def w(cls, x):\n        return x + 'C'\nX = C(a='q').a\n", "X", "validators for \"*\" together with validators of another class"},
		{"isinstance against a str subclass", "class Name(str):\n    pass\nX = str(isinstance(Name('a'), Name))\n", "X", "instances of Name are kept as str values: isinstance() against it is not modeled"},
		{"str subclass with a method", "class Name(str):\n    def shout(self):\n        return self.upper()\nX = Name('a')\n", "X", "a subclass of str whose body defines something is not modeled"},
		{"time dependent", "from datetime import datetime\nX = datetime.now()\n", "X", "datetime.now() depends on the time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + tt.body + "@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=" + tt.use + ")\n"
			r := evalFlow(t, src, Options{})
			assert.Contains(t, refusal(t, r), tt.want)
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax error", "x = (1,\n", "flows/x_flow.py:1:"},
		{"KeyError from os.environ", "import os\nX = os.environ['NOPE']\n", "flows/x_flow.py:2:5: KeyError: 'NOPE' (environment variable not set in the extractor's environment) (in `os.environ['NOPE']`)"},
		{"ZeroDivisionError", "X = 1.5 / 0\n", "flows/x_flow.py:1:5: ZeroDivisionError: float division by zero (in `1.5 / 0`)"},
		{"TypeError", "X = 'a' + 1\n", "flows/x_flow.py:1:5: TypeError: can only concatenate str (not \"int\") to str"},
		{"AttributeError", "X = None\nY = X.strip()\n", "flows/x_flow.py:2:5: AttributeError: 'NoneType' object has no attribute 'strip' (in `X.strip`)"},
		{"IndexError", "X = [1][3]\n", "flows/x_flow.py:1:5: IndexError: list index out of range"},
		{"raise at import", "raise ValueError('no')\n", "flows/x_flow.py:1:1: ValueError: no"},
		{"assert", "assert 1 == 2, 'm'\n", "AssertionError"},
		{"huge repetition", "X = 'a' * 10**12\n", "flows/x_flow.py:1:5: a string of more than 10485760 bytes is refused"},
		{"huge power", "X = 10**10**10\n", "an int of more than 1048576 bits is refused"},
		{"int str limit", "X = str(10**5000)\n", "ValueError: Exceeds the limit (4300 digits)"},
		{"pydantic required field", "from pydantic import BaseModel\nclass M(BaseModel):\n    a: int\nX = M()\n", "flows/x_flow.py:4:5: ValidationError: 1 validation error for M\na\n  field required"},
		{"infinite loop", "while True:\n    pass\n", "evaluation takes more than 5000000 steps"},
		{"flow name type", "from prefect import flow\n@flow(name=3)\ndef f(): pass\n", "flows/x_flow.py:2:12: TypeError: Expected string for flow parameter 'name'; got int instead."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := evalFlow(t, tt.src, Options{})
			assert.Nil(t, r.FlowSpec)
			assert.Contains(t, strings.Join(errorsOf(r), "\n"), tt.want)
		})
	}
}

func TestFlowSpecAbsentOrNone(t *testing.T) {
	r := evalFlow(t, "X = 1\n", Options{})
	assert.Nil(t, r.FlowSpec)
	assert.Empty(t, r.Diags)

	r = evalFlow(t, "FLOW_SPEC = None\n", Options{})
	assert.Equal(t, value.None, r.FlowSpec, "None is reported, not missing: the lift stage rejects it")

	r = evalFlow(t, "X = 1\nFLOW_SPEC = X\nFLOW_SPEC = 'last'\n", Options{})
	assert.Equal(t, value.Str("last"), r.FlowSpec)
	assert.Equal(t, 3, r.FlowSpecPos.Line)
}

func TestCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := New(Options{}).EvalFile(ctx, "x_flow.py", []byte("x = 0\nwhile True:\n    x += 1\n"))
	require.NotEmpty(t, errorsOf(r))
	assert.Contains(t, errorsOf(r)[0], "context canceled")
}

func TestConcurrentEvalFile(t *testing.T) {
	finder := mapFinder{"shared.cfg": "NAME = 'shared'\nITEMS = [1, 2]\n"}
	in := New(Options{Modules: finder})
	src := []byte(header + "from shared.cfg import NAME, ITEMS\nITEMS.append(3)\n@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=NAME + str(len(ITEMS)))\n")
	var wg sync.WaitGroup
	results := make([]*ModuleResult, 16)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = in.EvalFile(context.Background(), "flows/x_flow.py", src)
		}(i)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("concurrent evaluation hangs")
	}
	for _, r := range results {
		require.Empty(t, errorsOf(r))
		assert.Equal(t, value.Str("shared3"), arg(t, r.FlowSpec.(*value.Instance), "docker_env"))
	}
}

// Circular imports behave as in CPython (checked with python3): a module
// is registered before its body runs, so `import a` in the middle of a's
// own import works, while `from a import X` before X is bound fails.
func TestCircularImport(t *testing.T) {
	flow := []byte(header + "from a import X\nimport b\n@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=str(X) + str(b.Y) + str(b.a.X))\n")
	finder := mapFinder{"a": "import b\nX = 1\n", "b": "import a\nY = 2\n"}
	r := New(Options{Modules: finder}).EvalFile(context.Background(), "x_flow.py", flow)
	require.Empty(t, errorsOf(r))
	assert.Equal(t, value.Str("121"), arg(t, r.FlowSpec.(*value.Instance), "docker_env"))

	finder = mapFinder{"a": "from b import Y\nX = 1\n", "b": "from a import X\nY = 2\n"}
	r = New(Options{Modules: finder}).EvalFile(context.Background(), "x_flow.py", flow)
	assert.Equal(t, []string{"x_flow.py:3:1: importing a fails: importing b fails: ImportError: cannot import name 'X' from partially initialized module 'a' (most likely due to a circular import) (a.py) (at b.py:1:15) (at a.py:1:1) (in `from a import X`)"}, errorsOf(r))
}

// testModule is an empty module to render values with.
func testModule(t *testing.T, in *Interpreter) *module {
	t.Helper()
	f, diags, err := in.parse(context.Background(), "t.py", []byte("pass\n"))
	require.NoError(t, err)
	require.Empty(t, diags)
	return newSession(context.Background(), in).newModule(f, []byte("pass\n"), "t", "")
}

// TestStatementsWithUnknownOperands checks statements that combine values
// outside an expression (augmented, subscript, unpacking, annotated
// assignments, loops) when an operand is unknown: the affected names and
// objects become unknown with the original reason, the rest of the file is
// still evaluated, and real Python errors still raise. A want starting with
// "=" is the known value of X; otherwise it is part of X's unknown reason
// or of the error.
func TestStatementsWithUnknownOperands(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"augassign of unknown name", "import lib\nX = lib.V\nX += '!'\n", "lib.V comes from module lib"},
		{"augassign of unused unknown name", "import lib\nY = lib.V\nY += '!'\nX = 'base'\n", "=base"},
		{"augassign with unknown right side", "import lib\nX = 'a'\nX += lib.V\n", "lib.V comes from module lib"},
		{"augassign of unknown then error", "import lib\nY = lib.V\nY += undefined_name\nX = 'a'\n", "NameError: name 'undefined_name' is not defined"},
		{"list augassign of unknown", "import lib\nX = [1]\nX += lib.L\nX = X[0]\n", "lib.L comes from module lib"},
		{"annotated unknown then augassign", "import lib\nX: str = lib.V\nX += '!'\n", "lib.V comes from module lib"},
		{"unpacked unknown then augassign", "import lib\nA, (X, C) = 1, lib.P\nX += 'x'\n", "lib.P comes from module lib"},
		{"unpacking an unknown then augassign", "import lib\nX, B = lib.P\nX += 'x'\n", "lib.P comes from module lib"},
		{"item augassign with unknown value", "import lib\nD = {'k': 'a'}\nD['k'] += lib.V\nX = D['k']\n", "lib.V comes from module lib"},
		{"item augassign of unknown container", "import lib\nD = lib.D\nD['k'] += 'a'\nX = 'base'\n", "=base"},
		{"item augassign with unknown key", "import lib\nL = ['a', 'b']\nL[lib.I] += 'x'\nX = L[0]\n", "lib.I comes from module lib"},
		{"item augassign with unknown key, other item", "import lib\nD = {'k': 'a'}\nD[lib.K] += 'x'\nX = D['k']\n", "lib.K comes from module lib"},
		{"item assignment with unknown list index", "import lib\nL = ['a', 'b']\nL[lib.I] = 'x'\nX = L[1]\n", "lib.I comes from module lib"},
		{"item deletion with unknown list index", "import lib\nL = ['a', 'b']\ndel L[lib.I]\nX = L[0]\n", "lib.I comes from module lib"},
		{"attribute augassign of unknown", "import lib\nlib.count += 1\nX = 'base'\n", "=base"},
		{"attribute augassign on a local model", "import lib\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    a: str = 'a'\nO = M()\nO.a += lib.V\nX = O.a\n", "lib.V comes from module lib"},
		{"loop over a set", "for s in {'a', 'b'}:\n    Z = s\nX = Z\n", "depends on hashing"},
		{"loop over a set, unused", "for s in {'a', 'b'}:\n    Z = s\nX = 'base'\n", "=base"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + tt.body + "@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=X)\n"
			r := evalFlow(t, src, Options{})
			errs := errorsOf(r)
			if want, ok := strings.CutPrefix(tt.want, "="); ok {
				require.Empty(t, errs)
				assert.Equal(t, value.Str(want), arg(t, r.FlowSpec.(*value.Instance), "docker_env"))
				return
			}
			var msg string
			if len(errs) > 0 {
				msg = strings.Join(errs, "\n")
			} else {
				u, ok := arg(t, r.FlowSpec.(*value.Instance), "docker_env").(value.Unknown)
				require.True(t, ok, "docker_env should be unknown")
				msg = u.Err.Error()
			}
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, "internal error")
		})
	}
}
