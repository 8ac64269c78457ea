package eval

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/flowplan/flowplan/extractor/internal/value"
)

// TestExceptionRefusals lists what the evaluator refuses about exception
// values, with the position and reason it gives: everything else about
// them is compared with CPython by testdata/cases-exceptions.txt.
func TestExceptionRefusals(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"message in the evaluator's wording",
			"def g():\n    Z = 1\ntry:\n    Z\nexcept NameError as e:\n    R = str(e)\n",
			"case.py:6:9: cannot know statically: the message of this NameError (case.py:4:5) is the extractor's wording, not CPython's exact text"},
		{"args in the evaluator's wording",
			"try:\n    int('1', base=99)\nexcept ValueError as e:\n    R = e.args\n",
			"case.py:4:9: cannot know statically: the message of this ValueError (case.py:2:5) is the extractor's wording"},
		{"repr in the evaluator's wording",
			"try:\n    int('1', base=99)\nexcept ValueError as e:\n    R = repr(e)\n",
			"is the extractor's wording, not CPython's exact text"},
		{"message naming a class's type",
			"class E(Exception):\n    pass\ntry:\n    E[0]\nexcept TypeError as e:\n    R = str(e)\n",
			"case.py:6:9: cannot know statically: the message of this TypeError (case.py:4:5) is the extractor's wording"},
		{"OSError with errno",
			"R = OSError(2, 'nope')\n",
			"case.py:1:5: cannot know statically: OSError built this way is not modeled"},
		{"exception group",
			"R = ExceptionGroup('g', [ValueError()])\n",
			"ExceptionGroup built this way is not modeled"},
		{"OSError attribute",
			"R = OSError('x').errno\n",
			"case.py:1:5: cannot know statically: attribute errno of a OSError is not modeled"},
		{"traceback",
			"try:\n    raise ValueError\nexcept ValueError as e:\n    R = e.__traceback__\n",
			"attribute __traceback__ of a ValueError is not modeled"},
		{"class body statement",
			"class E(Exception):\n    for i in range(2):\n        pass\nR = E('x')\n",
			"case.py:4:5: cannot know statically: instances of E are not modeled: case.py:2:5: cannot know statically: this statement in an exception class body is not modeled"},
		{"base with a broken body",
			"class E(Exception):\n    x, y = 1, 2\nclass F(E):\n    pass\nR = F()\n",
			"instances of F are not modeled: case.py:2:5"},
		{"unmodeled dunder",
			"class E(Exception):\n    def __eq__(self, other):\n        return True\nR = E()\n",
			"class E defines __eq__, which the extractor does not model"},
		{"class attribute shadowing args",
			"class E(Exception):\n    args = (1,)\nR = E()\n",
			"case.py:3:5: cannot know statically: instances of E are not modeled: case.py:2:5: cannot know statically: only simple class attributes"},
		{"dataclass exception",
			"from dataclasses import dataclass\n@dataclass\nclass E(Exception):\n    code: int = 0\nR = E(3)\n",
			"case.py:5:5: cannot know statically: instances of E are not modeled: case.py:2:2: cannot know statically: decorated exception classes are not modeled"},
		{"class attribute read through an instance of a class unknown code had",
			"import lib\nclass E(Exception):\n    code = 1\ne = E()\nlib.register(E)\nR = e.code\n",
			"case.py:5:1: cannot know statically: lib.register comes from module lib"},
		{"several bases",
			"class E(ValueError, KeyError):\n    pass\nR = E()\n",
			"exception classes with several bases are not modeled"},
		{"subclass of OSError with __init__",
			"class E(OSError):\n    def __init__(self):\n        super().__init__('x')\nR = E()\n",
			"E built this way is not modeled (only OSError's plain form"},
		{"pydantic's ValidationError built directly",
			"from pydantic import ValidationError\nR = ValidationError([], None)\n",
			"ValidationError built this way is not modeled"},
		{"pydantic's ValidationError args",
			"from pydantic import BaseModel, ValidationError\nclass M(BaseModel):\n    a: int\ntry:\n    M()\nexcept ValidationError as e:\n    R = e.args\n",
			"the args of pydantic's ValidationError hold its error wrappers, which are not modeled"},
		{"validator message in the evaluator's wording",
			"from pydantic import BaseModel, ValidationError, validator\nclass M(BaseModel):\n    a: int\n    @validator('a')\n    def v(cls, x):\n        return int('1', base=99)\ntry:\n    M(a=1)\nexcept ValidationError as e:\n    R = str(e)\n",
			"this ValidationError's message holds the message of an exception the extractor raised in its own wording (case.py:6:16)"},
		{"raise of an unknown value",
			"import lib\ntry:\n    raise lib.Error('x')\nexcept ValueError as e:\n    R = 1\n",
			"case.py:4:1: cannot know statically: the except clause at line 4 may catch another exception: its try body used values not known statically before the exception at case.py:3:5"},
		{"exception after unknown code",
			"import lib\ntry:\n    lib.setup()\n    raise ValueError('mine')\nexcept ValueError as e:\n    R = str(e)\n",
			"case.py:5:1: cannot know statically: the except clause at line 5 may catch another exception: its try body used values not known statically before the ValueError at case.py:4:5"},
		{"type of a non-exception",
			"R = type(3)\n",
			"case.py:1:5: cannot know statically: builtin type is not supported (only for exceptions and enum members)"},
		{"name-mangled attribute",
			"e = ValueError()\nR = e.__secret\n",
			"private (name-mangled) attributes of exceptions are not modeled"},
		{"class defined in a function",
			"def f():\n    class E(Exception):\n        pass\n    return E\nR = repr(f())\n",
			"the repr of class E names where it is defined, which is not known"},
		{"exception given to unknown code",
			"import lib\ne = ValueError('a')\nlib.log(e)\nR = str(e)\n",
			"case.py:3:1: cannot know statically: lib.log comes from module lib"},
		{"args set to an unknown value",
			"import lib\ne = ValueError('a')\ne.args = lib.ARGS\nR = str(e)\n",
			"case.py:3:10: cannot know statically: lib.ARGS comes from module lib"},
		{"class given to unknown code",
			"import lib\nclass E(Exception):\n    code = 1\nlib.register(E)\nR = E.code\n",
			"case.py:4:1: cannot know statically: lib.register comes from module lib"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCase(t, tt.src)
			assert.Empty(t, got.excType, "unexpected exception: %s", got.excMsg)
			assert.Empty(t, got.repr, "the evaluator should refuse")
			assert.Contains(t, got.unknown, tt.want)
		})
	}
}

// TestUncaughtExceptions checks the error that ends a module: it names the
// exception's type and message at the raise.
func TestUncaughtExceptions(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"project class", "class MyError(Exception):\n    pass\nraise MyError('boom')\n", "flows/x_flow.py:3:1: MyError: boom (in `raise MyError('boom')`)"},
		{"class raised", "class MyError(ValueError):\n    pass\nraise MyError\n", "flows/x_flow.py:3:1: MyError: raised at import time"},
		{"custom __str__", "class E(Exception):\n    def __str__(self):\n        return 'x'\nraise E()\n", "flows/x_flow.py:4:1: E: (its message comes from E.__str__, which is not run for this report)"},
		{"custom __repr__ of an argument", "class E(Exception):\n    def __repr__(self):\n        return 'x'\nraise ValueError(E(), 1)\n", "flows/x_flow.py:4:1: ValueError: (its message is not known statically)"},
		{"re-raised", "try:\n    {}['k']\nexcept KeyError:\n    raise\n", "flows/x_flow.py:2:5: KeyError: 'k'"},
		{"raised from a function", "class E(Exception):\n    pass\ndef f():\n    raise E('in f')\nf()\n", "flows/x_flow.py:4:5: E: in f"},
		{"assert message", "assert 1 == 2, 'one is not two'\n", "flows/x_flow.py:1:1: AssertionError: one is not two"},
		{"unknown exception", "import lib\nraise lib.Error('x')\n", "flows/x_flow.py:2:1: an exception the extractor cannot know is raised here"},
		{"not an exception", "raise 5\n", "flows/x_flow.py:1:1: TypeError: exceptions must derive from BaseException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := evalFlow(t, tt.src, Options{})
			assert.Nil(t, r.FlowSpec)
			assert.Contains(t, strings.Join(errorsOf(r), "\n"), tt.want)
		})
	}
}

// TestExceptionsAcrossModules catches, in a flow file, exceptions whose
// class a project module defines, raised by that module's functions or by
// importing it.
func TestExceptionsAcrossModules(t *testing.T) {
	finder := mapFinder{
		"shared.errors": "class ConfigError(ValueError):\n    pass\ndef check(x):\n    if not x:\n        raise ConfigError('empty')\n    return x\n",
		"shared.bad":    "from shared.errors import ConfigError\nraise ConfigError('bad at import')\n",
	}
	tests := []struct{ name, src, want string }{
		{"raised by a function", "from shared.errors import ConfigError, check\ntry:\n    check('')\nexcept ConfigError as e:\n    FLOW_SPEC = type(e).__module__ + ':' + str(e) + ':' + repr(ConfigError)\n",
			"shared.errors:empty:<class 'shared.errors.ConfigError'>"},
		{"raised by an import", "from shared.errors import ConfigError\ntry:\n    import shared.bad\nexcept ConfigError as e:\n    FLOW_SPEC = repr(e)\n",
			"ConfigError('bad at import')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := evalFlow(t, tt.src, Options{Modules: finder})
			assert.Empty(t, errorsOf(r))
			assert.Equal(t, value.Str(tt.want), r.FlowSpec)
		})
	}
}
