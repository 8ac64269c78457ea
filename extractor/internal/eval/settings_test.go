package eval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor/internal/value"
)

// TestSettingsRefusals lists the settings models whose values cannot be
// known, and what the refusal says.
func TestSettingsRefusals(t *testing.T) {
	names := func(extra ...string) func() []string {
		return func() []string { return append(testEnvNames(), extra...) }
	}
	tests := []struct {
		name, body string
		envNames   func() []string
		want       string
	}{
		{"secrets manager", "from common.settings import SecretSettings\nclass S(SecretSettings):\n    a: str = 'x'\nX = S().a\n", names(),
			"SecretSettings reads its values from a secrets manager"},
		{"environment names unknown", "from pydantic import BaseSettings\nclass S(BaseSettings):\n    a: str = 'x'\nX = S().a\n", nil,
			"this environment's variable names are not known"},
		{"two names match in any case", "from pydantic import BaseSettings\nclass S(BaseSettings):\n    foo: str = 'x'\nX = S().foo\n", names("foo"),
			"environment variables FOO, foo all match foo in any case"},
		{"JSON from the environment", "from pydantic import BaseSettings\nfrom typing import List\nclass S(BaseSettings):\n    foo: List[str] = []\nX = str(S().foo)\n", names(),
			"S.foo (List[str]) would be read from environment variable foo as JSON"},
		{"nested variables", "from common.settings import Settings\nfrom typing import Dict\nclass S(Settings):\n    port: Dict[str, str] = {}\nX = str(S().port)\n", names("DF_CONFIG_PORT__X"),
			"S.port (Dict[str, str]) would be read from environment variable df_config_port as JSON"},
		{"env file", "from pydantic import BaseSettings\nclass S(BaseSettings):\n    a: str = 'x'\n    class Config:\n        env_file = '.env'\nX = S().a\n", names(),
			"Config.env_file: reading settings from files is not modeled"},
		{"init option", "from pydantic import BaseSettings\nclass S(BaseSettings):\n    a: str = 'x'\nX = S(_env_file='.env').a\n", names(),
			"BaseSettings(_env_file=...) is not modeled"},
		{"subclass of CommonSettings", "from common.settings import CommonSettings\nclass S(CommonSettings):\n    a: str = 'x'\nX = S().a\n", names(),
			"base class CommonSettings is not a data model the extractor knows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + tt.body + "@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=X)\n"
			r := evalFlow(t, src, Options{EnvNames: tt.envNames})
			assert.Contains(t, refusal(t, r), tt.want)
		})
	}
}

// TestSettingsEnvReads checks that the variables a settings model reads
// are recorded as inputs, found or not.
func TestSettingsEnvReads(t *testing.T) {
	src := header + "from common.settings import Settings\nclass S(Settings):\n    port: int = 0\n    gone: str = 'g'\n@flow\ndef f(): pass\nFLOW_SPEC = FlowSpec(flow=f, docker_env=f'{S().port}-{S().gone}')\n"
	r := evalFlow(t, src, Options{EnvNames: testEnvNames})
	require.Empty(t, errorsOf(r))
	assert.Equal(t, value.Str("8080-g"), arg(t, r.FlowSpec.(*value.Instance), "docker_env"))
	assert.Contains(t, r.EnvReads, EnvRead{Name: "DF_CONFIG_PORT", Value: "8080", Found: true})
	assert.Contains(t, r.EnvReads, EnvRead{Name: "df_config_gone"})
}
