package executor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/flowplan/flowplan/executor/docker"
	"github.com/flowplan/flowplan/plan"
)

// applyImages builds every image and, unless BuildOnly, logs in to ECR once
// and tags and pushes each image, at most Concurrency images at once. A
// failed image is recorded; flows that run in it are not applied.
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
		action, err := a.image(ctx, im)
		if err != nil {
			res.Action, res.Error = Failed, err.Error()
			a.mu.Lock()
			a.failedImages[im.LocalName] = err.Error()
			a.mu.Unlock()
		} else {
			res.Action = action
			switch action {
			case Pushed:
				res.Detail = im.URI
			case Unchanged:
				res.Detail = im.URI + " is already in ECR (--force-build rebuilds it)"
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
		return Failed, fmt.Errorf("building image %s: %w", im.LocalName, err)
	}
	if a.opts.BuildOnly {
		return Built, nil
	}
	registry, err := a.login.get("ecr", func() (string, error) { return a.ecrLogin(ctx) })
	if err != nil {
		return Failed, err
	}
	if host := registryOf(im.Repository); host != registry {
		return Failed, fmt.Errorf("image %s is pushed to registry %s, but the ECR credentials are for %s", im.LocalName, host, registry)
	}
	if err := a.opts.Docker.Tag(ctx, label, im.LocalName, im.URI); err != nil {
		return Failed, fmt.Errorf("tagging image %s as %s: %w", im.LocalName, im.URI, err)
	}
	if err := a.opts.Docker.Push(ctx, label, im.URI); err != nil {
		return Failed, fmt.Errorf("pushing image %s: %w", im.URI, err)
	}
	return Pushed, nil
}

// ecrLogin logs docker in to the caller's ECR registry with a token from
// GetAuthorizationToken, the password passed on standard input only.
func (a *applier) ecrLogin(ctx context.Context) (string, error) {
	registry, user, password, err := a.opts.ECR.AuthorizationToken(ctx)
	if err != nil {
		return "", fmt.Errorf("getting the ECR login token: %w", err)
	}
	if err := a.opts.Docker.Login(ctx, registry, user, password); err != nil {
		return "", fmt.Errorf("docker login to %s: %w", registry, err)
	}
	return registry, nil
}

// alreadyPushed reports whether ECR already holds the image's tag, so that
// building and pushing it again can be skipped. Only a tag that ends in a
// commit (7 hex digits, as the plan makes it from the git sha) names one
// content; a tag such as "...-dev" is rebuilt every time, as is everything
// with ForceBuild or without an ECR client (a dry run of images only).
func (a *applier) alreadyPushed(ctx context.Context, im plan.Image) (bool, error) {
	if a.opts.ForceBuild || a.opts.ECR == nil || !tagPinsCommit(im.Tag) {
		return false, nil
	}
	ok, err := a.opts.ECR.ImageExists(ctx, im.Repository, im.Tag)
	if err != nil {
		return false, fmt.Errorf("image %s: checking whether ECR already holds %s (--force-build skips the check): %w", im.LocalName, im.URI, err)
	}
	return ok, nil
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
	if projectDir == "" {
		projectDir = "."
	}
	abs, err := filepath.Abs(projectDir)
	if err != nil {
		return fmt.Errorf("image %s: project folder %s: %w", im.LocalName, projectDir, err)
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
	if len(problems) > 0 {
		return fmt.Errorf("image %s: %s under %s: run deployer from the sub-project root or pass --project DIR",
			im.LocalName, strings.Join(problems, "; "), abs)
	}
	return nil
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
