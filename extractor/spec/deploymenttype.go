package spec

import "fmt"

// DeploymentType is the stage a plan deploys to: dev, staging or main. It
// names most resources (see the planner's naming conventions) and decides
// whether deployments are scheduled. Its JSON form is the bare name.
type DeploymentType string

// The deployment types, in the order Pocket promotes code through them.
const (
	DeploymentDev     DeploymentType = "dev"
	DeploymentStaging DeploymentType = "staging"
	DeploymentMain    DeploymentType = "main"
)

// ParseDeploymentType reads a deployment type as the original tool did from
// POCKET_PREFECT_DEPLOYMENT_TYPE: exactly one of the names, already
// lowercased and trimmed by the caller when that is wanted.
func ParseDeploymentType(s string) (DeploymentType, error) {
	t := DeploymentType(s)
	if err := t.Validate(); err != nil {
		return "", err
	}
	return t, nil
}

// Validate reports whether t is one of the deployment types.
func (t DeploymentType) Validate() error {
	switch t {
	case DeploymentDev, DeploymentStaging, DeploymentMain:
		return nil
	}
	return fmt.Errorf("deployment type %q must be dev, staging or main", string(t))
}

func (t DeploymentType) String() string { return string(t) }

// Scheduled reports whether deployments of this type carry their
// schedules: only main does, as in the original tool; elsewhere the
// server's schedule is left alone (agent era) or none is set (worker era).
func (t DeploymentType) Scheduled() bool { return t == DeploymentMain }
