package diag

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShorten(t *testing.T) {
	long := strings.Repeat("ab ", 30)
	tests := []struct{ src, want string }{
		{"", ""},
		{`FlowSpec(flow=f, docker_env="x")`, `FlowSpec(flow=f, docker_env="x")`},
		{"  a   b ", "a b"},
		{"f(\n    x,\n    y)", "f( x, y)"},
		{"a\tb", "a b"},
		{long, strings.Repeat("ab ", 19) + "..."},
		{"caf\u00e9 au lait", "caf\u00e9 au lait"},
		{"bell\x07", `bell\x07`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Shorten(tt.src), "%q", tt.src)
	}
}
