package eval

import (
	"context"
	"strings"
	"testing"
	"time"
)

// FuzzEval parses and evaluates arbitrary source: it must never panic
// (an internal error diagnostic is a recovered panic) nor hang.
func FuzzEval(f *testing.F) {
	for _, seed := range []string{
		"x = 1\n",
		"FLOW_SPEC = {'a': [1, 2.5, None, True]}\n",
		"from common.deployment import FlowSpec\nFLOW_SPEC = FlowSpec(flow=None, docker_env='x')\n",
		"s = f\"{1!r:>{3}}\" + '%s' % (2,) + '{}'.format(3)\n",
		"import os\nx = os.environ['X']\n",
		"while True:\n    pass\n",
		"x = 'a' * 10**9\n",
		"a, *b = range(10)\nc = [i for i in b if i % 2]\n",
		"from datetime import timedelta\nx = timedelta(days=1.5) * 3\n",
		"class M(BaseModel):\n    a: int = 1\n",
		"from datetime import date, datetime\nfrom typing import Dict, List, Optional\nfrom pydantic import BaseModel\nclass W(BaseModel):\n    d: date\n    t: Optional[datetime] = None\n    l: List[date] = []\n    m: Dict[str, datetime] = {}\nx = W(d='2024-1-5', t='2024-01-31 06:30:00.25+05:30', l=[1706745600123, b'0'], m={'a': 1.5e20}).dict()\ny = datetime.fromisoformat('2024-01-31T06:30Z')\n",
		"from pydantic import BaseModel, Field, PrivateAttr, validator\nfrom typing import List, Optional, Literal\nclass I(BaseModel):\n    a: int = Field(1, alias='A')\n    _p: str = PrivateAttr(default_factory=lambda: 'p')\n    class Config:\n        extra = 'forbid'\n        allow_population_by_field_name = True\nclass O(I):\n    k = 'x'\n    i: Optional[I] = None\n    l: List[I] = Field(default_factory=list)\n    m: Literal['a', k] = 'a'\n    @validator('l', pre=True, always=True)\n    def v(cls, x, values):\n        return x\n    @property\n    def n(self):\n        return self.a + 1\no = O(A=2, i={'a': 3}, l=[I()])\no.a = 4\nx = o.dict(by_alias=True, exclude_unset=True), o.copy(update={'a': 5}), o.n\n",
		"try:\n    import x\nexcept ImportError:\n    x = None\n",
		"def f(a, *, b=1):\n    '''doc'''\n",
		"def f(n):\n    return f(n + 1)\nx = f(0)\n",
		"def g(n):\n    while True:\n        n += 1\n    return n\nx = g(1)\n",
		"def h(n):\n    return h(n - 1) + h(n - 1) if n else 1\nx = h(40)\n",
		"def k(*a, b=[], **c):\n    nonlocal_x = [i for i in a]\n    global G\n    G = lambda y=1: y + len(b)\n    return G()\nx = k(1, 2, z=3)\n",
		"from enum import Enum, IntEnum, auto, unique\n@unique\nclass K(str, Enum):\n    a = 'x'\n    def m(self):\n        return self.value\nclass I(IntEnum):\n    p = auto()\nx = [K('x').m(), K['a'], I(1) + 1, f'{K.a}', {K.a: 1}['x']]\n",
		"class E(ValueError):\n    'doc'\n    code = 1\n    def __init__(self, m, *a):\n        super().__init__(m)\n        self.a = a\n    def __str__(self):\n        return repr(self.args)\ndef f(x):\n    try:\n        try:\n            return {}[x]\n        except KeyError as k:\n            raise E(str(k), x) from k\n    finally:\n        pass\ntry:\n    f(1)\nexcept E as e:\n    x = (str(e), repr(e), e.args, e.a, type(e).__name__, e.__cause__, e.__context__)\nraise\n",
		"@flow(name='x')\nasync def f(a=1):\n    # c\n    'doc'\n    if a:\n        global G\n    return [x for x in a]\nclass C:\n    def m(self):\n        def n(): pass\n        return n\n",
		"from pydantic import BaseModel, BaseSettings, Field, validator\nfrom typing import List, Dict\nclass S(BaseSettings):\n    port: int = Field(0, env=['A', 'b'])\n    class Config:\n        env_prefix = 'x_'\nclass M(BaseModel):\n    a: List[int] = []\n    d: Dict[str, int] = {}\n    @validator('a', 'd', each_item=True, pre=True)\n    def e(cls, v):\n        assert v, 'empty'\n        return v\n    class Config:\n        validate_assignment = True\n        anystr_strip_whitespace = True\nm = M(a=['1'], d={'k': 2})\nm.a = [3]\nx = S().port, m.json(indent=2, sort_keys=True)\n",
		"import json\nclass N(str):\n    pass\nx = json.dumps({N('a'): [1.5, float('nan'), {None: True}]}, separators=(',', ':'), ensure_ascii=False)\n",
	} {
		f.Add(seed)
	}
	// A smaller step budget keeps each input quick, so that the time
	// limit below finds hangs, not slow machines.
	in := New(Options{Getenv: testEnv, StepLimit: 200_000})
	f.Fuzz(func(t *testing.T, src string) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		start := time.Now()
		r := in.EvalFile(ctx, "fuzz_flow.py", []byte(src))
		if time.Since(start) > 10*time.Second {
			t.Fatalf("evaluation took %v", time.Since(start))
		}
		for _, d := range r.Diags {
			if strings.Contains(d.Msg, "internal error") {
				t.Fatalf("evaluator panicked: %s", d.Msg)
			}
		}
	})
}
