package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// What the evaluator refuses about enum classes, with where and why: each
// case's X is an Unknown (or FLOW_SPEC an error) whose message names the
// construct.
func TestEnumRefusals(t *testing.T) {
	const kind = "from enum import Enum\nclass Kind(str, Enum):\n    a = 'x'\n"
	tests := []struct {
		name, body, want string
	}{
		{"sunder name", "from enum import Enum\nclass K(Enum):\n    _ignore_ = ['x']\n    a = 1\nX = K.a.name\n",
			"flows/x_flow.py:5:5: cannot know statically: enum class K: _ignore_: names beginning with an underscore"},
		{"_missing_ hook", "from enum import Enum\nclass K(Enum):\n    a = 1\n    @classmethod\n    def _missing_(cls, v):\n        return cls.a\nX = K(2).name\n",
			"flows/x_flow.py:6:5: cannot know statically: enum class K: the method _missing_ changes how the enum behaves"},
		{"dunder method", "from enum import Enum\nclass K(str, Enum):\n    a = 'x'\n    def __str__(self):\n        return 'y'\nX = str(K.a)\n",
			"enum class K: the method __str__ changes how the enum behaves"},
		{"mixin value of another type", "from enum import Enum\nclass K(int, Enum):\n    a = '1'\nX = str(K.a.value)\n",
			"flows/x_flow.py:5:9: cannot know statically: enum class K: member a: a value of type str in an enum of int members is not modeled"},
		{"auto after non-int values", "from enum import Enum, auto\nclass K(Enum):\n    a = 'x'\n    b = auto()\nX = K.b.name\n",
			"enum class K: auto() after the values given here is not modeled"},
		{"unknown member value", "import lib\nfrom enum import Enum\nclass K(Enum):\n    a = lib.A\nX = K.a.name\n",
			"enum class K: the value of member a is not known"},
		{"other decorator", "import lib\nfrom enum import Enum\n@lib.register\nclass K(Enum):\n    a = 1\nX = K.a.name\n",
			"enum class K: the decorator lib.register is not modeled"},
		{"functional API", "from enum import Enum\nK = Enum('K', 'a b')\nX = K.a.name\n", "instances of Enum are not evaluated"},
		{"Flag is not modeled", "from enum import Flag\nclass K(Flag):\n    a = 1\nX = K.a.name\n", "class attribute K.a is not evaluated"},
		{"__members__", kind + "X = list(Kind.__members__)\n", "attribute __members__ of enum class Kind is not modeled"},
		{"str.format on a member", kind + "X = Kind.a.format()\n", "str.format of an enum member is not modeled"},
		{"% with a member as format", kind + "X = Kind.a % ()\n", "% formatting with an enum member as the format is not modeled"},
		{"member attribute assigned", kind + "Kind.a.note = 'n'\nX = 'x'\n", "flows/x_flow.py:6:1: cannot know statically: an attribute of enum member Kind.a is assigned"},
		{"class attribute assigned", kind + "Kind.extra = 'n'\nX = 'x'\n", "class Kind is changed after its definition"},
		{"type() of other values", "X = type('x')\n", "builtin type is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + tt.body + "@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=X)\n"
			r := evalFlow(t, src, Options{})
			assert.Contains(t, refusal(t, r), tt.want)
		})
	}
}
