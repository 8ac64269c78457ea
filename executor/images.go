package executor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowplan/flowplan/executor/aws"
	"github.com/flowplan/flowplan/executor/docker"
	"github.com/flowplan/flowplan/plan"
)

// applyImages builds every image and, unless BuildOnly, logs in to each
// registry once and tags and pushes each image, at most Concurrency images
// at once. A failed image is recorded; flows that run in it are not
// applied.
func (a *applier) applyImages(ctx context.Context) {
	forEach(ctx, len(a.plan.Images), a.opts.Concurrency, func(ctx context.Context, i int) {
		im := a.plan.Images[i]
		start := a.now()
		verbing := "building and pushing"
		if a.opts.BuildOnly {
			verbing = "building"
		}
		a.emit(Event{Type: EventImageStart, Image: im.LocalName, Message: fmt.Sprintf("image %s: %s", im.LocalName, verbing)})
		res := Result{Kind: KindImage, Name: im.LocalName, order: resultOrder{phase: 0, index: i}}
		action, err := Failed, errors.New(msgNotStarted)
		if ctx.Err() == nil {
			action, err = a.image(ctx, im)
		}
		if err != nil {
			res.Action, res.Error = Failed, err.Error()
			a.mu.Lock()
			a.failedImages[im.LocalName] = briefly(err)
			a.mu.Unlock()
		} else {
			res.Action = action
			switch action {
			case Pushed:
				res.Detail = im.URI
			case Unchanged:
				res.Detail = im.URI + " is already in " + registryName(im) + " (--force-build rebuilds it)"
			}
		}
		a.record(res)
		a.emit(Event{Type: EventImageEnd, Image: im.LocalName, Elapsed: a.now().Sub(start), Message: verb(res.Action, a.opts.DryRun), Error: res.Error})
	})
}

func (a *applier) image(ctx context.Context, im plan.Image) (Action, error) {
	if err := checkBuildFiles(a.opts.ProjectDir, im); err != nil {
		return Failed, err
	}
	if !a.opts.BuildOnly {
		if err := checkImageURI(im); err != nil {
			return Failed, err
		}
		pushed, err := a.alreadyPushed(ctx, im)
		if err != nil {
			return Failed, err
		}
		if pushed {
			return Unchanged, nil
		}
	}
	if a.opts.DryRun {
		if a.opts.BuildOnly {
			return Built, nil
		}
		return Pushed, nil
	}
	label := im.LocalName
	err := a.opts.Docker.Build(ctx, label, docker.BuildSpec{
		LocalName:  im.LocalName,
		Dockerfile: im.Dockerfile,
		Context:    im.Context,
		BuildArgs:  im.BuildArgs,
		Platform:   im.Platform,
	})
	if err != nil {
		return Failed, a.dockerError("building image "+im.LocalName, err)
	}
	if a.opts.BuildOnly {
		return Built, nil
	}
	if err := a.loginOnce(ctx, registryOf(im.Repository)); err != nil {
		return Failed, fmt.Errorf("image %s: %w", im.LocalName, err)
	}
	if err := a.opts.Docker.Tag(ctx, label, im.LocalName, im.URI); err != nil {
		return Failed, a.dockerError("tagging image "+im.LocalName+" as "+im.URI, err)
	}
	if err := a.opts.Docker.Push(ctx, label, im.URI); err != nil {
		return Failed, a.dockerError("pushing image "+im.URI, err)
	}
	return Pushed, nil
}

// dockerError is the error of a docker step; when the apply was
// interrupted, only that, without docker's command line and output.
func (a *applier) dockerError(step string, err error) error {
	if a.interrupted() {
		return fmt.Errorf("%s: %s", step, msgDockerStopped)
	}
	return &stepError{step: step, err: err}
}

// stepError is a docker step that failed: the image's own result shows
// all of it (command line, exit status, last output), the resources that
// needed the image only the step and how docker ended (see briefly).
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// briefly says why an image failed in one line, for the resources that
// needed it: a docker step without its command line and output.
func briefly(err error) string {
	var se *stepError
	if !errors.As(err, &se) {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return line
	}
	var ce *docker.CommandError
	switch {
	case errors.As(se.err, &ce) && ce.ExitCode >= 0:
		return fmt.Sprintf("%s: docker exited with status %d (the image's line has its output)", se.step, ce.ExitCode)
	case errors.As(se.err, &ce):
		return fmt.Sprintf("%s: docker did not finish: %v", se.step, ce.Err)
	}
	line, _, _ := strings.Cut(se.Error(), "\n")
	return line
}

// loginOnce logs docker in to a registry, once per apply: an ECR registry
// with a token from GetAuthorizationToken, another one with
// Options.RegistryLogin (or not at all when that is empty: docker then
// uses the credentials it has stored). The password goes to docker on
// standard input only.
func (a *applier) loginOnce(ctx context.Context, host string) error {
	_, err := a.login.get(host, func() (string, error) {
		if aws.IsECRRegistry(host) {
			return host, a.ecrLogin(ctx, host)
		}
		creds := a.opts.RegistryLogin
		if creds.User == "" && creds.Password == "" {
			return host, nil
		}
		if err := a.opts.Docker.Login(ctx, host, creds.User, creds.Password); err != nil {
			return "", fmt.Errorf("docker login to %s: %w", host, err)
		}
		return host, nil
	})
	return err
}

// ecrLogin logs docker in to the caller's ECR registry, which must be
// host, with a token from GetAuthorizationToken.
func (a *applier) ecrLogin(ctx context.Context, host string) error {
	registry, user, password, err := a.opts.ECR.AuthorizationToken(ctx)
	if err != nil {
		return fmt.Errorf("getting the ECR login token: %w", err)
	}
	if registry != host {
		return fmt.Errorf("the image is pushed to registry %s, but the ECR credentials are for %s", host, registry)
	}
	if err := a.opts.Docker.Login(ctx, registry, user, password); err != nil {
		return fmt.Errorf("docker login to %s: %w", registry, err)
	}
	return nil
}

// alreadyPushed reports whether the image's registry already holds its
// tag, so that building and pushing it again can be skipped: ECR is asked
// with DescribeImages, another registry over its HTTP API. Only a tag that
// ends in a commit (7 hex digits, as the plan makes it from the git sha)
// names one content; a tag such as "...-dev" is rebuilt every time, as is
// everything with ForceBuild or without a client to ask (a dry run of
// images only).
func (a *applier) alreadyPushed(ctx context.Context, im plan.Image) (bool, error) {
	if a.opts.ForceBuild || !tagPinsCommit(im.Tag) {
		return false, nil
	}
	var lookup ImageLookup = a.opts.Registry
	if aws.IsECRRegistry(registryOf(im.Repository)) {
		lookup = nil
		if a.opts.ECR != nil {
			lookup = a.opts.ECR
		}
	}
	if lookup == nil {
		return false, nil
	}
	ok, err := lookup.ImageExists(ctx, im.Repository, im.Tag)
	if err != nil {
		return false, fmt.Errorf("image %s: checking whether %s already holds %s (--force-build skips the check): %w", im.LocalName, registryName(im), im.URI, err)
	}
	return ok, nil
}

// NeedsECR reports whether an apply of the plan's images talks to ECR:
// whether one of them is pushed to an ECR registry.
func NeedsECR(p *plan.Plan) bool { return slices.ContainsFunc(p.Images, pushesToECR) }

// pushesToECR reports whether the image goes to an ECR registry (or to
// the ECR registry of an account the plan left open).
func pushesToECR(im plan.Image) bool {
	host := registryOf(im.Repository)
	return aws.IsECRRegistry(host) || strings.HasPrefix(host, plan.PlaceholderAWSAccountID+".dkr.ecr.")
}

// registryName names the image's registry for messages: "ECR", or
// "registry HOST".
func registryName(im plan.Image) string {
	host := registryOf(im.Repository)
	if aws.IsECRRegistry(host) {
		return "ECR"
	}
	return "registry " + host
}

// tagPinsCommit reports whether tag ends in "-" and a 7-digit hex commit.
func tagPinsCommit(tag string) bool {
	i := strings.LastIndexByte(tag, '-')
	if i < 0 || len(tag)-i-1 != 7 {
		return false
	}
	for _, c := range tag[i+1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checkBuildFiles makes sure the image's Dockerfile (a file) and build
// context (a folder) exist under the project folder docker runs in, so
// that running deployer from the wrong folder fails with a clear message
// instead of building something else.
func checkBuildFiles(projectDir string, im plan.Image) error {
	if problems := buildFileProblems(projectDir, im); len(problems) > 0 {
		abs, err := filepath.Abs(cmpOr(projectDir, "."))
		if err != nil {
			abs = projectDir
		}
		return fmt.Errorf("image %s: %s under %s: run deployer from the sub-project root or pass --project DIR",
			im.LocalName, strings.Join(problems, "; "), abs)
	}
	return nil
}

// buildFileProblems lists what is wrong with the image's Dockerfile and
// build context under projectDir.
func buildFileProblems(projectDir string, im plan.Image) []string {
	abs, err := filepath.Abs(cmpOr(projectDir, "."))
	if err != nil {
		return []string{fmt.Sprintf("project folder %s: %v", projectDir, err)}
	}
	checks := []struct {
		what, rel string
		dir       bool
	}{
		{"build context", im.Context, true},
		{"Dockerfile", im.Dockerfile, false},
	}
	var problems []string
	for _, c := range checks {
		rel := c.rel
		if rel == "" {
			rel = "."
		}
		info, err := os.Stat(filepath.Join(abs, filepath.FromSlash(rel)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, fmt.Sprintf("%s %s not found", c.what, rel))
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s %s: %v", c.what, rel, err))
		case c.dir && !info.IsDir():
			problems = append(problems, fmt.Sprintf("%s %s is not a folder", c.what, rel))
		case !c.dir && info.IsDir():
			problems = append(problems, fmt.Sprintf("%s %s is a folder, not a file", c.what, rel))
		}
	}
	return problems
}

// checkAllBuildFiles checks the Dockerfile and build context of every
// image under the project folder and reports every problem in one error.
func checkAllBuildFiles(projectDir string, images []plan.Image) error {
	var problems []string
	for _, im := range images {
		if p := buildFileProblems(projectDir, im); len(p) > 0 {
			problems = append(problems, "image "+im.LocalName+": "+strings.Join(p, "; "))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	abs, err := filepath.Abs(cmpOr(projectDir, "."))
	if err != nil {
		abs = projectDir
	}
	return fmt.Errorf("refusing to apply the plan: the images' files are not under %s (%s): run deployer from the sub-project root or pass --project DIR",
		abs, strings.Join(problems, "; "))
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkImageURI refuses an image whose URI still holds a placeholder.
func checkImageURI(im plan.Image) error {
	if strings.Contains(im.URI, "${") || strings.Contains(im.Repository, "${") {
		return fmt.Errorf("image %s: URI %s holds an unresolved placeholder", im.LocalName, im.URI)
	}
	return nil
}

// registryOf returns the registry host of a repository URI.
func registryOf(repository string) string {
	host, _, _ := strings.Cut(repository, "/")
	return host
}
