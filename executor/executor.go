// Package executor applies a deployment plan: it builds and pushes the
// Docker images, registers ECS task definitions, saves the Prefect ECS task
// blocks and creates or updates the Prefect deployments, so that applying
// the same plan twice writes nothing the second time.
//
// Each flow goes through three steps. Read: the live state of the flow's
// resources and of what they refer to (read.go). Compare: a pure function
// of the plan and the live state gives the flow's change set, one
// operation (create, update, replace or no-op) per resource with the
// fields that differ (changeset.go, plan_compare.go). Execute: the change
// set is written, in order (execute.go). A dry run stops after the
// comparison and reports the change set; an apply executes it, and only
// when it holds something to write. Plan types become request types
// through typed functions (request.go); a field sent as null is a
// plan.Nullable from the plan to the wire.
//
// Every external system sits behind a small interface (Prefect, ECS, ECR,
// STS, Docker) that the clients of executor/prefect, executor/aws and
// executor/docker implement; tests swap in fakes over real HTTP.
package executor

import (
	"context"
	"time"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/docker"
	"github.com/flowplan/flowplan/executor/prefect"
	"github.com/flowplan/flowplan/executor/registry"
)

// What Options.Only may select.
const (
	OnlyImages = "images" // build and push the images, nothing else
	OnlyFlows  = "flows"  // task definitions, blocks, flows and deployments
)

// DefaultConcurrency is how many flows (and images) are applied at once.
const DefaultConcurrency = 4

// Prefect is the part of the Prefect REST API the executor uses;
// *prefect.Client implements it.
type Prefect interface {
	BaseURL() string
	ReadVersion(ctx context.Context) (string, error)
	ReadFlowByName(ctx context.Context, name string) (*prefect.Flow, error)
	CreateFlow(ctx context.Context, name string) (*prefect.Flow, error)
	ReadBlockType(ctx context.Context, slug string) (*prefect.BlockType, error)
	ReadLatestBlockSchema(ctx context.Context, blockTypeID string) (*prefect.BlockSchema, error)
	ReadBlockDocumentByName(ctx context.Context, typeSlug, name string) (*prefect.BlockDocument, error)
	CreateBlockDocument(ctx context.Context, doc prefect.BlockDocumentCreate) (*prefect.BlockDocument, error)
	UpdateBlockDocument(ctx context.Context, id string, update prefect.BlockDocumentUpdate) error
	ReadDeploymentByName(ctx context.Context, flowName, deploymentName string) (*prefect.Deployment, error)
	CreateDeployment(ctx context.Context, body prefect.DeploymentCreate) (*prefect.Deployment, error)
	UpdateDeployment(ctx context.Context, id string, update prefect.DeploymentUpdate) error
	ReadWorkPool(ctx context.Context, name string) (*prefect.WorkPool, error)
}

// ImageLookup tells whether a registry already holds an image tag;
// *registry.Client implements it for any registry, *aws.Client for ECR.
type ImageLookup interface {
	// ImageExists reports whether repository (a URI without tag) holds an
	// image tagged tag.
	ImageExists(ctx context.Context, repository, tag string) (bool, error)
}

// Docker runs the docker program; label names the image whose output lines
// are prefixed. NewDocker adapts a *docker.Runner.
type Docker interface {
	Build(ctx context.Context, label string, spec docker.BuildSpec) error
	Login(ctx context.Context, registry, user, password string) error
	Tag(ctx context.Context, label, src, dst string) error
	Push(ctx context.Context, label, image string) error
}

// NewDocker returns a Docker that runs r, prefixing each image's output
// with its label.
func NewDocker(r *docker.Runner) Docker { return runnerDocker{r} }

type runnerDocker struct{ r *docker.Runner }

func (d runnerDocker) Build(ctx context.Context, label string, spec docker.BuildSpec) error {
	return d.r.WithPrefix(label).Build(ctx, spec)
}

func (d runnerDocker) Login(ctx context.Context, registry, user, password string) error {
	return d.r.WithPrefix("login "+registry).Login(ctx, registry, user, password)
}

func (d runnerDocker) Tag(ctx context.Context, label, src, dst string) error {
	return d.r.WithPrefix(label).Tag(ctx, src, dst)
}

func (d runnerDocker) Push(ctx context.Context, label, image string) error {
	return d.r.WithPrefix(label).Push(ctx, image)
}

// Options control one Apply. The clients needed by the selected work must be
// set: Docker, and ECR for images pushed to ECR (Docker only with
// BuildOnly), ECS and Prefect for flows, STS when the plan left the AWS
// account id open.
type Options struct {
	// DryRun reads the live state and reports the change set, what would
	// change, writing nothing and running no docker command.
	DryRun bool
	// BuildOnly builds the images and stops (no login, push or flows).
	BuildOnly bool
	// Only restricts the apply to OnlyImages or OnlyFlows ("" = both).
	Only string
	// Concurrency is how many flows and images are applied at once
	// (0 = DefaultConcurrency).
	Concurrency int
	// ReadConcurrency is how many flows have their live state read at once
	// (0 = 4 × Concurrency): reads change nothing, so they fan out further
	// than writes.
	ReadConcurrency int
	// ExpectDigest, when set, must equal the plan's digest: it pins the
	// plan that was reviewed and approved. "sha256:<hex>" or the bare hex
	// (see NormalizeDigest).
	ExpectDigest string
	// ProjectDir is the sub-project folder the images' Dockerfiles and
	// build contexts are relative to, where docker runs ("" = "."). Every
	// image's files are checked there before anything is built.
	ProjectDir string
	// ForceBuild builds and pushes every image even when its registry
	// already holds its tag (by default an image whose tag ends in a commit
	// and is already pushed is left unchanged).
	ForceBuild bool

	Prefect Prefect
	ECS     aws.ECS
	ECR     aws.ECR
	STS     aws.STS
	Docker  Docker

	// Registry looks up image tags in a registry that is not ECR (the
	// plan's --registry), so that an image already pushed there is not
	// built again. nil: such images are always built and pushed.
	Registry ImageLookup
	// RegistryLogin is the user name and password docker logs in to a
	// registry that is not ECR with, the password on standard input. Zero:
	// no login; docker pushes with the credentials it has stored.
	RegistryLogin registry.Credentials

	// Observe receives progress events (nil discards them). It may be
	// called from several goroutines at once.
	Observe func(Event)
	// Now is the clock for elapsed times (nil = time.Now).
	Now func() time.Time
}
