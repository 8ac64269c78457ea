package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Date and datetime fields refuse, with the position of the model call,
// the values whose pydantic v1 validation the extractor does not model;
// the ValidationErrors it does model carry the call's position.
func TestPydanticDateRefusals(t *testing.T) {
	model := "from datetime import date, datetime\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    d: date = None\n    t: datetime = None\n"
	tests := []struct{ name, body, want string }{
		{"non-ASCII digits", "X = M(d='\u0662\u0660\u0662\u0663-01-02').d\n", "flows/x_flow.py:8:5: cannot know statically: pydantic's validation of M.d (date) for a str value is not modeled (in `M(d='\u0662\u0660\u0662\u0663-01-02')`)"},
		{"bytes with a control character", "X = M(t=b'\\x1c1').t\n", "flows/x_flow.py:8:5: cannot know statically: pydantic's validation of M.t (datetime) for a bytes value is not modeled"},
		{"pendulum datetime for a date", "import pendulum\nX = M(d=pendulum.datetime(2020, 1, 2)).d\n", "flows/x_flow.py:9:5: cannot know statically: pydantic's validation of M.d (date) for a datetime value is not modeled"},
		{"dataclass instance", "from dataclasses import dataclass\n@dataclass\nclass K:\n    x: int = 1\nX = M(d=K()).d\n", "flows/x_flow.py:12:5: cannot know statically: pydantic's validation of M.d (date) for a K value is not modeled"},
		{"error beside an unmodeled field", "class N(BaseModel):\n    d: date\n    s: set = set()\nX = N(d='x', s={1}).d\n", "invalid date format (type=value_error.date)\n(a field whose validation the extractor does not model may have errors too)"},
		{"fromisoformat basic form", "X = datetime.fromisoformat('20230102T1000')\n", "flows/x_flow.py:8:5: cannot know statically: datetime.fromisoformat('20230102T1000'): only valid YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][Z|±HH:MM|±HHMM] text is modeled"},
		{"fromisoformat out of range", "X = date.fromisoformat('2023-13-01')\n", "date.fromisoformat('2023-13-01'): only valid"},
		{"fromisoformat with spaces", "X = date.fromisoformat(' 2023-01-02')\n", "date.fromisoformat(' 2023-01-02'): only valid"},
		{"validation error", "X = M(t='2023-01-02T25:00').t\n", "flows/x_flow.py:8:5: ValidationError: 1 validation error for M\nt\n  invalid datetime format (type=value_error.datetime) (in `M(t='2023-01-02T25:00')`)"},
		{"list element error", "from typing import List\nclass L(BaseModel):\n    ds: List[date]\nX = L(ds=['2020-01-01', 'x']).ds\n", "flows/x_flow.py:11:5: ValidationError: 1 validation error for L\nds -> 1\n  invalid date format (type=value_error.date)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + model + tt.body + "@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=X)\n"
			r := evalFlow(t, src, Options{})
			assert.Contains(t, refusal(t, r), tt.want)
		})
	}
}
