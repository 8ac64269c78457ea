package extractor_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/extractor/spec"
)

const datesPyproject = `[tool.poetry]
name = "dates"
version = "0.1.0"

[tool.prefect]
flows_folder = "src"

[tool.prefect.docker.base]
python_version = "3.11"
dockerfile_path = "Dockerfile"
`

const datesModel = `from datetime import date, datetime
from typing import List, Optional

from prefect import flow
from pydantic import BaseModel

from common.deployment.worker import FlowDeployment, FlowSpec


class Window(BaseModel):
    start: date
    end: Optional[date] = None
    at: datetime
    local: datetime
    days: List[date] = []


W = Window(start="2024-01-31", end=1706745600, at="2024-01-31 06:30:00.5+05:30", local="2024-01-31T06:30", days=["2024-2-1", datetime(2024, 2, 2, 3, 4)])


@flow
def load(window: Window = W):
    pass


`

// A project model's date and datetime fields, coerced as pydantic v1
// coerces them, reach the plan: in a flow parameter's default as Prefect's
// parameter schema encodes it (CPython: json.dumps(W,
// default=pydantic_encoder) with pydantic.v1), and in deployment
// parameters as the json.dumps rule refuses them, at the value. A value
// pydantic refuses is a ValidationError at the model call.
func TestDateFieldsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	write("pyproject.toml", datesPyproject)
	write("Dockerfile", "FROM python:3.11\n")
	write("src/w/default_flow.py", datesModel+`FLOW_SPEC = FlowSpec(flow=load, docker_env="base", deployments=[FlowDeployment(name="w")])
`)
	write("src/w/params_flow.py", datesModel+`FLOW_SPEC = FlowSpec(flow=load, docker_env="base", deployments=[FlowDeployment(name="w", parameters={"window": W.dict()})])
`)
	write("src/w/invalid_flow.py", datesModel+`V = Window(start="2024-02-30", at="2024-01-31T06:30", local="x")
FLOW_SPEC = FlowSpec(flow=load, docker_env="base", deployments=[FlowDeployment(name="w", parameters=V.dict())])
`)
	res, err := extractor.Extract(context.Background(), extractor.Options{ProjectDir: dir, DeploymentType: "main"})
	require.NoError(t, err)
	byPath := map[string]spec.FileResult{}
	for _, f := range res.Files {
		byPath[f.Path] = f
	}

	ok := byPath["src/w/default_flow.py"]
	require.Equal(t, spec.StatusOK, ok.Status, "%v", ok.Errors)
	params := ok.Spec.Worker.Flow.Parameters
	require.Len(t, params, 1)
	assert.Equal(t, `{"start":"2024-01-31","end":"2024-02-01","at":"2024-01-31T06:30:00.500000+05:30","local":"2024-01-31T06:30:00","days":["2024-02-01","2024-02-02"]}`,
		string(params[0].Default))

	refused := byPath["src/w/params_flow.py"]
	assert.Equal(t, spec.StatusError, refused.Status)
	assert.Equal(t, []string{
		"src/w/params_flow.py:26:101: FlowDeployment.parameters[\"window\"][\"start\"]: not JSON-serializable, so Prefect cannot store it: Object of type date is not JSON serializable (json.dumps raises TypeError) (in `{\"window\": W.dict()}`)",
	}, refused.Errors)

	invalid := byPath["src/w/invalid_flow.py"]
	assert.Equal(t, spec.StatusError, invalid.Status)
	assert.Equal(t, []string{
		"src/w/invalid_flow.py:26:5: ValidationError: 2 validation errors for Window\nstart\n  invalid date format (type=value_error.date)\nlocal\n  invalid datetime format (type=value_error.datetime) (in `Window(start=\"2024-02-30\", at=\"2024-01-31T06:30\", local=\"x\")`)",
	}, invalid.Errors)
}
