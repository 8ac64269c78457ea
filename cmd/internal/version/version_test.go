package version

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"go install at a tag", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.2.0"}},
			"deployer v0.2.0 (go1.26.8)"},
		{"a build in a clone", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "2caf3a1c0ffee2caf3a1c0ffee2caf3a1c0ffee0"}, {Key: "vcs.time", Value: "2026-12-06T00:17:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"deployer v" + Version + "-devel (commit 2caf3a1c0ffe 2026-12-06T00:17:00Z, modified; go1.26.8)"},
		{"a pseudo-version", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.1-0.20261206001700-2caf3a1c0ffe"}},
			"deployer v0.1.1-0.20261206001700-2caf3a1c0ffe (go1.26.8)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, describe("deployer", &tt.bi))
		})
	}
	// The test binary has build information of its own.
	assert.True(t, strings.HasPrefix(Describe("x"), "x v"), Describe("x"))
}
