package planner

import (
	"encoding/json"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/extractor/project"
	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

func ptr[T any](v T) *T { return &v }

// typeOf is the type expression the extractor reads from an annotation
// these fixtures know to be readable.
func typeOf(src string) *spec.TypeExpr {
	t, why := extractor.ReadAnnotation(src)
	if t == nil {
		panic("fixture annotation " + src + ": " + why)
	}
	return t
}

func seedProject() *project.Project {
	return &project.Project{
		Root: "/repo/data-products", RootName: "data-products",
		Name: "data-products", Slug: "data-products", Version: "0.1.0", FlowsFolder: "src",
		Envs: map[string]project.DockerEnv{
			"base": {Name: "base", PythonVersion: "3.10", DockerfilePath: ".docker/main/Dockerfile", BuildContext: "."},
		},
		WorkerEnvs:      map[string]project.WorkerDockerEnv{},
		PyprojectSHA256: "9f2c3b1a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708",
	}
}

// seedFlow is the flow of the seed README's example.
func seedFlow() spec.FileResult {
	return spec.FileResult{
		Path: "src/example/example_flow.py", Status: spec.StatusOK, Errors: []string{}, Warnings: []string{},
		SHA256: "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e", FlowSpecLine: 17,
		Spec: &spec.Spec{Agent: &spec.AgentSpec{
			API:                spec.APIAgent,
			Flow:               spec.Flow{Function: "flow_1", Name: "flow-1", Parameters: []spec.Parameter{}},
			DockerEnv:          "base",
			Secrets:            []spec.Envar{{EnvarName: "MY_SECRET_JSON", EnvarValue: "/my/secretsmanager/secret"}},
			Envars:             []spec.Envar{},
			EphemeralStorageGB: 200,
			Deployments: []spec.AgentDeployment{{
				DeploymentName: "base", CPU: "1024", Memory: "4096",
				Parameters: json.RawMessage(`{"param_name": "param_value"}`),
				Schedule:   &spec.Schedule{Type: "cron", Cron: "0 0 * * *"},
				Envars:     []spec.Envar{{EnvarName: "EXTRA_PIP_PACKAGES", EnvarValue: "pandas"}},
			}},
		}},
	}
}

func seedOptions(typ string) Options {
	return Options{
		DeploymentType: spec.DeploymentType(typ), GitSHA: "3f9a1c27d4b5e6f708192a3b4c5d6e7f8091a2b3", AWSRegion: "us-east-1",
		AWSAccountID: "123456789012", Subnets: []string{"subnet-0a", "subnet-0b"}, SecurityGroups: []string{"sg-01"},
		Target: plan.TargetPrefect2Agent, Generator: "0.1.0-test",
		Inputs: []plan.Input{
			{Name: "deployment-type", Value: typ, Source: "flag"},
			{Name: "git-sha", Value: "3f9a1c27d4b5e6f708192a3b4c5d6e7f8091a2b3", Source: "env:CIRCLE_SHA1"},
			{Name: "aws-region", Value: "us-east-1", Source: "default"},
			{Name: "aws-account-id", Value: "123456789012", Source: "env:AWS_ACCOUNT_ID"},
			{Name: "subnets", Value: `["subnet-0a","subnet-0b"]`, Source: "env:POCKET_AWS_SUBNETS"},
			{Name: "security-groups", Value: `["sg-01"]`, Source: "env:POCKET_AWS_SECURITY_GROUPS"},
		},
	}
}

// multiProject has several folders, every schedule kind, secrets, envars,
// odd names that need slugging, parameters of many kinds, a file without
// FLOW_SPEC and a file that failed extraction.
func multiProject() *project.Project {
	return &project.Project{
		Root: "/repo/Data Products", RootName: "Data Products",
		Name: "Data_Products", Slug: "data-products", Version: "2.3.0", FlowsFolder: "flows",
		Envs: map[string]project.DockerEnv{
			"base":        {Name: "base", PythonVersion: "3.10", DockerfilePath: ".docker/base/Dockerfile", BuildContext: "."},
			"Heavy_ML.v2": {Name: "Heavy_ML.v2", PythonVersion: "3.10", DockerfilePath: ".docker/ml/Dockerfile", BuildContext: "../shared"},
		},
		WorkerEnvs:      map[string]project.WorkerDockerEnv{},
		PyprojectSHA256: "aa00000000000000000000000000000000000000000000000000000000000000",
	}
}

func multiFiles() []spec.FileResult {
	desc := "Loads the daily feeds.\n\nArgs:\n    day: the day"
	return []spec.FileResult{
		{
			Path: "flows/Straße Feeds/daily_flow.py", Status: spec.StatusOK, SHA256: "11", FlowSpecLine: 40,
			Spec: &spec.Spec{Agent: &spec.AgentSpec{
				API: spec.APIAgent,
				Flow: spec.Flow{Function: "Load_Daily_Feeds", Name: "load-daily", Description: &desc, Parameters: []spec.Parameter{
					{Name: "day", Annotation: "str", Type: typeOf("str"), Default: json.RawMessage("null")},
					{Name: "limit", Annotation: "Optional[int]", Type: typeOf("Optional[int]"), Default: json.RawMessage("100"), HasDefault: true},
					{Name: "sources", Annotation: "list[str]", Type: typeOf("list[str]"), Default: json.RawMessage(`["a","b"]`), HasDefault: true},
					{Name: "mode", Annotation: "Literal['full', 'delta']", Type: typeOf("Literal['full', 'delta']"), Default: json.RawMessage(`"delta"`), HasDefault: true},
					{Name: "frame", Annotation: "pd.DataFrame", Type: typeOf("pd.DataFrame"), Default: json.RawMessage("null"), HasDefault: true},
				}},
				DockerEnv: "Heavy_ML.v2",
				Secrets: []spec.Envar{
					{EnvarName: "DB_CREDS", EnvarValue: "data/db-creds"},
					{EnvarName: "API_TOKEN", EnvarValue: "${aws_account_id}-looks-like-a-placeholder"},
				},
				Envars:             []spec.Envar{{EnvarName: "LOG_LEVEL", EnvarValue: "INFO"}},
				EphemeralStorageGB: 20,
				Deployments: []spec.AgentDeployment{
					{
						DeploymentName: "It's Hourly", CPU: "512", Memory: "1024",
						Parameters: json.RawMessage(`{"day": "today", "nested": {"k": [1, 2.5, "x"]}}`),
						Schedule:   &spec.Schedule{Type: "interval", IntervalSeconds: ptr(90000.0), AnchorDate: ptr("2024-01-01T06:00:00+00:00"), Timezone: ptr("America/New_York")},
						Envars:     []spec.Envar{{EnvarName: "LOG_LEVEL", EnvarValue: "DEBUG"}, {EnvarName: "QUOTED", EnvarValue: "it's \"quoted\""}},
					},
					{
						DeploymentName: "backfill", CPU: "256", Memory: "512",
						Parameters: json.RawMessage(`{}`),
						Schedule:   &spec.Schedule{Type: "rrule", RRule: "FREQ=WEEKLY;BYDAY=MO,WE", Timezone: ptr("Europe/Berlin")},
						Envars:     []spec.Envar{{EnvarName: "LOG_LEVEL", EnvarValue: "INFO"}},
					},
					{
						DeploymentName: "Cron_TZ", CPU: "2048", Memory: "8192",
						Parameters: json.RawMessage(`{"mode": "full"}`),
						Schedule:   &spec.Schedule{Type: "cron", Cron: "0 6 1-7 * MON", DayOr: ptr(false), Timezone: ptr("America/Chicago")},
						Envars:     []spec.Envar{{EnvarName: "LOG_LEVEL", EnvarValue: "INFO"}},
					},
				},
			}},
		},
		{
			Path: "flows/metrics/sub.dir/weekly_flow.py", Status: spec.StatusOK, SHA256: "22", FlowSpecLine: 12,
			Spec: &spec.Spec{Agent: &spec.AgentSpec{
				API:                spec.APIAgent,
				Flow:               spec.Flow{Function: "weekly", Name: "weekly", Parameters: []spec.Parameter{}},
				DockerEnv:          "base",
				Secrets:            []spec.Envar{},
				Envars:             []spec.Envar{},
				EphemeralStorageGB: 21,
				Deployments: []spec.AgentDeployment{{
					DeploymentName: "main", CPU: "256", Memory: "512",
					Parameters: json.RawMessage(`{}`), Envars: []spec.Envar{},
				}},
			}},
		},
		{Path: "flows/metrics/helpers_flow.py", Status: spec.StatusMissing},
		{Path: "flows/broken/bad_flow.py", Status: spec.StatusError, Errors: []string{"flows/broken/bad_flow.py:3:14: FlowDeployment.cpu: StrictStr rejects int 5"}},
	}
}

func workerProject() *project.Project {
	return &project.Project{
		Root: "/repo/mozilla-flows", RootName: "mozilla-flows",
		Name: "mozilla-flows", Slug: "mozilla-flows", Version: "1.0.0", FlowsFolder: "src",
		Envs: map[string]project.DockerEnv{},
		WorkerEnvs: map[string]project.WorkerDockerEnv{
			"base":      {Name: "base", PythonVersion: "3.11", DockerfilePath: ".docker/base/Dockerfile", DependencyGroup: "main"},
			"Spark_Env": {Name: "Spark_Env", PythonVersion: "3.11", DockerfilePath: ".docker/spark/Dockerfile", DependencyGroup: "spark"},
		},
		PyprojectSHA256: "bb00000000000000000000000000000000000000000000000000000000000000",
	}
}

func workerFiles() []spec.FileResult {
	desc := "Counts things."
	return []spec.FileResult{
		{
			Path: "src/counts/count_flow.py", Status: spec.StatusOK, SHA256: "33", FlowSpecLine: 30,
			Spec: &spec.Spec{Worker: &spec.WorkerSpec{
				API:       spec.APIWorker,
				Flow:      spec.Flow{Function: "count_things", Name: "count-things", Description: &desc, Parameters: []spec.Parameter{{Name: "n", Annotation: "int", Type: typeOf("int"), Default: json.RawMessage("3"), HasDefault: true}}},
				DockerEnv: "Spark_Env",
				Deployments: []spec.WorkerDeployment{
					{
						Name: "hourly", Cron: ptr("0 * * * *"), Timezone: "America/Los_Angeles",
						Parameters: json.RawMessage(`{"n": 5}`), Tags: []string{"sla:1h"}, Version: ptr("v7"),
						EnforceParameterSchema: true, WorkPoolName: "mozilla-aws-ecs-fargate", WorkQueueName: "default",
						JobVariables: json.RawMessage(`{"cpu": 1024, "env": {"A": "b"}}`),
					},
					{
						Name: "adhoc", Timezone: "UTC", Parameters: json.RawMessage(`{}`), Tags: []string{},
						Description: ptr("Run by hand."), WorkPoolName: "local-process", WorkQueueName: "manual",
						JobVariables: json.RawMessage(`{}`),
					},
				},
			}},
		},
		{
			Path: "src/legacy/old_flow.py", Status: spec.StatusOK, SHA256: "44", FlowSpecLine: 9,
			Spec: &spec.Spec{Worker: &spec.WorkerSpec{
				API: spec.APIWorker, Flow: spec.Flow{Function: "old", Name: "old", Parameters: []spec.Parameter{}},
				DockerEnv: "base", IsAgent: true, Deployments: []spec.WorkerDeployment{},
			}},
		},
	}
}

func workerOptions(typ, target string) Options {
	o := seedOptions(typ)
	o.Target = target
	o.GitRepository = "https://github.com/example/mozilla-flows.git"
	return o
}
