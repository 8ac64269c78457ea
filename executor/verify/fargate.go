package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/flowplan/flowplan/extractor/spec"
	"github.com/flowplan/flowplan/plan"
)

// Fargate's ephemeral storage range, in GiB: a task definition that sets
// ephemeralStorage must ask for 21 to 200 (20 is the default, sent as no
// ephemeralStorage at all).
const (
	minEphemeralGiB = 21
	maxEphemeralGiB = 200
)

// fargateLogDrivers are the log drivers a Fargate task may use.
var fargateLogDrivers = []string{"awslogs", "splunk", "awsfirelens"}

// checkFargate checks what ECS and Fargate would refuse in the plan itself:
// task sizes (the task definitions' and each deployment's cpu and memory
// overrides), ephemeral storage, and log configuration.
func checkFargate(p *plan.Plan, u uses, f *findings) {
	for _, t := range u.taskDefs {
		td := t.td
		res := "task definition " + td.Family
		if wrong, msg := spec.CheckFargate(td.Cpu, td.Memory); wrong != "" {
			f.add(CheckFargate, res, t.neededBy, msg, "give the FLOW_SPEC (or the docker env) a cpu and memory pair from Fargate's table and make the plan again")
		}
		if td.NetworkMode != "awsvpc" || !slices.Contains(td.RequiresCompatibilities, "FARGATE") {
			f.add(CheckFargate, res, t.neededBy,
				fmt.Sprintf("networkMode %q and requiresCompatibilities %v: Fargate needs awsvpc and FARGATE", td.NetworkMode, td.RequiresCompatibilities),
				"make the plan again with flowspec-extract, which always writes awsvpc and FARGATE")
		}
		if es := td.EphemeralStorage; es != nil && (es.SizeInGiB < minEphemeralGiB || es.SizeInGiB > maxEphemeralGiB) {
			f.add(CheckFargate, res, t.neededBy,
				fmt.Sprintf("ephemeral storage of %d GiB: Fargate takes %d to %d GiB (20 GiB when not set)", es.SizeInGiB, minEphemeralGiB, maxEphemeralGiB),
				fmt.Sprintf("set ephemeral_storage_gb between %d and %d (or 20) and make the plan again", minEphemeralGiB, maxEphemeralGiB))
		}
		for _, c := range td.ContainerDefinitions {
			if problem := logProblem(c.LogConfiguration, p.AWS.Region); problem != "" {
				f.add(CheckFargate, res+" container "+c.Name, t.neededBy, problem,
					"make the plan again with flowspec-extract, which writes an awslogs configuration for the plan's region")
			}
		}
	}
	sizes := map[string][2]string{}
	for _, t := range u.taskDefs {
		sizes[t.td.Family] = [2]string{t.td.Cpu, t.td.Memory}
	}
	for _, du := range u.deployments {
		cpu, memory, ok := deploymentSize(du.d)
		if !ok {
			continue
		}
		base := sizes[du.flow.TaskDefinitionFamily]
		if cpu == "" {
			cpu = base[0]
		}
		if memory == "" {
			memory = base[1]
		}
		if wrong, msg := spec.CheckFargate(cpu, memory); wrong != "" {
			f.add(CheckFargate, "deployment "+du.d.FlowName+"/"+du.d.Name+" task size", []string{du.label}, msg,
				"give the deployment a cpu and memory pair from Fargate's table and make the plan again")
		}
	}
}

// logProblem says what Fargate would refuse in a container's log
// configuration ("" when nothing).
func logProblem(lc plan.LogConfiguration, region string) string {
	if !slices.Contains(fargateLogDrivers, lc.LogDriver) {
		return fmt.Sprintf("log driver %q: Fargate tasks log with one of %v", lc.LogDriver, fargateLogDrivers)
	}
	if lc.LogDriver != "awslogs" {
		return ""
	}
	for _, opt := range []string{"awslogs-group", "awslogs-region", "awslogs-stream-prefix"} {
		if lc.Options[opt] == "" {
			return fmt.Sprintf("the awslogs configuration has no %s, which Fargate requires", opt)
		}
	}
	if got := lc.Options["awslogs-region"]; got != region {
		return fmt.Sprintf("awslogs-region is %s but the plan's region is %s", got, region)
	}
	return ""
}

// deploymentSize reads the cpu and memory a deployment overrides per run
// (agent era: task_customizations of infra_overrides, the other value
// being the task definition's; worker era: the cpu and memory job
// variables, both); ok is false when there is nothing to check.
func deploymentSize(d *plan.Deployment) (cpu, memory string, ok bool) {
	if raw := d.Request.InfraOverrides; len(raw) > 0 {
		var io struct {
			TaskCustomizations json.RawMessage `json:"task_customizations"`
		}
		if json.Unmarshal(raw, &io) == nil && len(io.TaskCustomizations) > 0 {
			var ops []struct {
				Op    string          `json:"op"`
				Path  string          `json:"path"`
				Value json.RawMessage `json:"value"`
			}
			tc := io.TaskCustomizations
			// task_customizations may be sent as JSON text.
			var text string
			if json.Unmarshal(tc, &text) == nil {
				tc = json.RawMessage(text)
			}
			if json.Unmarshal(tc, &ops) == nil {
				for _, op := range ops {
					switch op.Path {
					case "/overrides/cpu":
						cpu, ok = scalar(op.Value), true
					case "/overrides/memory":
						memory, ok = scalar(op.Value), true
					}
				}
			}
			return cpu, memory, ok
		}
	}
	vars := d.Request.JobVariables
	if len(vars) == 0 {
		vars = d.Request.InfraOverrides
	}
	var jv map[string]json.RawMessage
	if len(vars) == 0 || json.Unmarshal(vars, &jv) != nil {
		return "", "", false
	}
	// A job variable left out takes the work pool's base job template's
	// value, which the plan does not know: only a pair is checked.
	c, hasCPU := jv["cpu"]
	m, hasMemory := jv["memory"]
	if !hasCPU || !hasMemory {
		return "", "", false
	}
	return scalar(c), scalar(m), true
}

// scalar renders a JSON string or number as ECS receives it.
func scalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return n.String()
	}
	return string(raw)
}
