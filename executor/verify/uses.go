package verify

import (
	"github.com/flowplan/flowplan/plan"
)

// uses is what the plan needs from the live accounts, each with the plan
// paths that need it.
type uses struct {
	taskDefs    []taskDefUse
	deployments []deploymentUse
}

// taskDefUse is a task definition of the plan and who runs with it.
type taskDefUse struct {
	td       *plan.TaskDefinition
	neededBy []string
}

// deploymentUse is a deployment and the flow it belongs to.
type deploymentUse struct {
	flow  *plan.Flow
	d     *plan.Deployment
	label string // "FILE: deployment NAME"
}

func flowLabel(fl *plan.Flow) string { return fl.Path }

func deploymentLabel(fl *plan.Flow, d *plan.Deployment) string {
	return fl.Path + ": deployment " + d.Name
}

func usesOf(p *plan.Plan) uses {
	var u uses
	for i := range p.Images {
		im := &p.Images[i]
		if im.TaskDefinition == nil {
			continue
		}
		var needed []string
		for j := range p.Flows {
			if p.Flows[j].TaskDefinitionFamily == im.TaskDefinition.Family {
				needed = append(needed, flowLabel(&p.Flows[j]))
			}
		}
		if len(needed) == 0 {
			needed = []string{"image " + im.LocalName}
		}
		u.taskDefs = append(u.taskDefs, taskDefUse{td: im.TaskDefinition, neededBy: needed})
	}
	for i := range p.Flows {
		fl := &p.Flows[i]
		if fl.TaskDefinition != nil {
			u.taskDefs = append(u.taskDefs, taskDefUse{td: fl.TaskDefinition, neededBy: []string{flowLabel(fl)}})
		}
		for j := range fl.Deployments {
			d := &fl.Deployments[j]
			u.deployments = append(u.deployments, deploymentUse{flow: fl, d: d, label: deploymentLabel(fl, d)})
		}
	}
	return u
}

// imagesNeeding lists who needs an image URI: the flows and env task
// definitions whose container runs it.
func (u uses) imagesNeeding(uri string) []string {
	var out []string
	for _, t := range u.taskDefs {
		for _, c := range t.td.ContainerDefinitions {
			if c.Image == uri {
				out = append(out, t.neededBy...)
			}
		}
	}
	return out
}
