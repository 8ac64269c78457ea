package executor

import (
	"context"
	"fmt"
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
			if action == Pushed {
				res.Detail = im.URI
			}
		}
		a.record(res)
		a.emit(Event{Type: EventImageEnd, Image: im.LocalName, Elapsed: a.now().Sub(start), Message: verb(res.Action, a.opts.DryRun), Error: res.Error})
	})
}

func (a *applier) image(ctx context.Context, im plan.Image) (Action, error) {
	if !a.opts.BuildOnly {
		if err := checkImageURI(im); err != nil {
			return Failed, err
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
