package planner

import (
	"github.com/flowplan/flowplan/extractor/spec"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyName has every placeholder set to a value with its own name, so a
// pattern that reads the wrong field shows it.
func everyName(t spec.DeploymentType) names {
	return names{
		typ: t, account: "123456789012", region: "us-east-1", sha7: "4f2c1e9",
		project: "data-products", root: "data-products", env: "Heavy_ML.v2", python: "3.10",
		image: "IMAGE", family: "FAMILY", kind: "task", secret: "my/secret",
		path: "src/My Folder/load_flow.py", dir: "src/My Folder", file: "load_flow.py", folder: "My Folder",
		function: "load_all", flow: "data-products.my-folder.load-all", flowName: "load-all",
		deployment: "Daily Run", pool: "mozilla-aws-ecs",
	}
}

// patterns lists every pattern of the table, by field name.
func patterns(t *testing.T, c conventions) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		switch x := v.Field(i).Interface().(type) {
		case string:
			out[f.Name] = x
		case []string:
			for j, p := range x {
				out[f.Name+"["+strconv.Itoa(j)+"]"] = p
			}
		default:
			t.Fatalf("conventions.%s: a %T, not a pattern", f.Name, x)
		}
	}
	return out
}

// Every pattern names only known values, and each is filled in.
func TestConventionsUseKnownPlaceholders(t *testing.T) {
	n := everyName(spec.DeploymentMain)
	for field, p := range patterns(t, pocket) {
		t.Run(field, func(t *testing.T) {
			require.NotEmpty(t, p)
			var got string
			require.NotPanics(t, func() { got = n.name(p) })
			assert.NotContains(t, got, "<")
			assert.NotContains(t, got, ">")
		})
	}
	for _, bad := range []string{"<nope>", "a-<type", "<slug(type>"} {
		assert.Panics(t, func() { n.name(bad) }, bad)
	}
}

// The names of the original tool's documentation, for each deployment type.
func TestConventions(t *testing.T) {
	tests := []struct {
		pattern string
		dev     string
		main    string
	}{
		{pocket.ECRRegistry, "123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		{pocket.AgentImage, "data-products-heavy-ml-v2-py-3.10", "data-products-heavy-ml-v2-py-3.10"},
		{pocket.WorkerImage, "data-products-heavy-ml-v2", "data-products-heavy-ml-v2"},
		{pocket.ImageTag, "IMAGE-4f2c1e9", "IMAGE-4f2c1e9"},
		{pocket.AgentFlow, "data-products.my-folder.load-all", "data-products.my-folder.load-all"},
		{pocket.AgentFamily, "data-products-my-folder-load-all-dev", "data-products-my-folder-load-all-main"},
		{pocket.WorkerFamily, "IMAGE-dev", "IMAGE-main"},
		{pocket.Role, "arn:aws:iam::123456789012:role/data-flows-prefect-dev-task-role", "arn:aws:iam::123456789012:role/data-flows-prefect-main-task-role"},
		{pocket.SecretARN, "arn:aws:secretsmanager:us-east-1:123456789012:secret:my/secret", "arn:aws:secretsmanager:us-east-1:123456789012:secret:my/secret"},
		{pocket.TaskDefARN, "arn:aws:ecs:us-east-1:123456789012:task-definition/FAMILY", "arn:aws:ecs:us-east-1:123456789012:task-definition/FAMILY"},
		{pocket.ECSTaskBlock, "FAMILY", "FAMILY"},
		{pocket.Cluster, "prefect-v2-agent-dev", "prefect-v2-agent-main"},
		{pocket.StorageBlock, "data-flows-dev", "data-flows-main"},
		{pocket.StoragePath, "data-products/src/My Folder", "data-products/src/My Folder"},
		{pocket.AgentDeployment, "daily-run-dev", "daily-run-main"},
		{pocket.AgentQueue, "prefect-v2-queue-dev", "prefect-v2-queue-main"},
		{pocket.AgentEntrypoint, "load_flow.py:load_all", "load_flow.py:load_all"},
		{pocket.WorkerFlow, "data-products.load-all", "data-products.load-all"},
		{pocket.WorkerDeployment, "Daily Run-dev", "Daily Run-main"},
		{pocket.WorkerPool, "mozilla-aws-ecs-dev", "mozilla-aws-ecs-main"},
		{pocket.WorkerEntrypoint, "src/My Folder/load_flow.py:load_all", "src/My Folder/load_flow.py:load_all"},
		{pocket.GitBranch, "dev-v2", "main-v2"},
		{pocket.DeploymentEnv, "dev", "main"},
		{strings.Join(pocket.AgentTags, ","), "data-products,my-folder,dev", "data-products,my-folder,main"},
		{strings.Join(pocket.WorkerTags, ","), "dev,data-products", "main,data-products"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			dev, main := everyName(spec.DeploymentDev), everyName(spec.DeploymentMain)
			assert.Equal(t, tt.dev, dev.name(tt.pattern))
			assert.Equal(t, tt.main, main.name(tt.pattern))
		})
	}
	assert.Equal(t, "data-flows-staging", DefaultStorageBlock(spec.DeploymentStaging))
	assert.Equal(t, "staging-v2", DefaultGitBranch(spec.DeploymentStaging))
	assert.Equal(t, "210987654321.dkr.ecr.eu-west-1.amazonaws.com", ECRRegistry("210987654321", "eu-west-1"))
}
