GO ?= go
BIN := bin
EXAMPLE := testdata/example-project

# cgo compiles C with -fPIC, under which GCC may not inline a global
# function into its callers in the same file, in case another library
# replaces it. tree-sitter's parse-table lookups are such functions,
# called for every token; -fno-semantic-interposition lets GCC (and
# clang) inline them. On the 1,000-file benchmark corpus tree-sitter
# parses about 10% faster. Set CGO_CFLAGS to build otherwise.
CGO_CFLAGS ?= -O2 -g -fno-semantic-interposition
export CGO_CFLAGS

# staticcheck, pinned: go run fetches it once into the module cache.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0

.PHONY: all build test test-integration demo bench fmt vet staticcheck clean

all: build

# deployer holds the deploy credentials: it is built without cgo and links
# no Python parser or evaluator. deploy-envs and deploy-flows run the
# flowspec-extract built next to it (cmd/deployer/extract.go); a test
# checks both (TestDeployerLinksNoPythonEvaluator).
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/ ./cmd/deployer
	$(GO) build -o $(BIN)/ ./cmd/flowspec-extract

test: vet staticcheck
	$(GO) test ./...

# The integration tier: deployer and flowspec-extract against a real Docker
# engine, the CNCF Distribution registry and moto, which the tests start on
# loopback (and stop) themselves. It needs root (for dockerd), Debian's
# docker.io and docker-registry, and python3 with moto; .ci/run installs
# the Debian packages. See integration/doc.go.
test-integration:
	$(GO) vet -tags integration ./integration/
	$(GO) test -tags integration -count=1 -timeout 8m ./integration/

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

# The demo plans the bundled example project as CI would for a pull request
# (dev) and for a release (main). The example holds one deliberately broken
# flow, so it is validated first (that report exits 1), then planned with
# --skip-invalid, which lists the broken flow under "skipped".
DEMO_FLAGS := --project $(EXAMPLE) --git-sha 4f2c1e9d0b7a --aws-account-id 123456789012 --skip-invalid

demo: build
	@mkdir -p out
	@echo "== flowspec-extract --validate-only (one flow is broken on purpose)"
	-$(BIN)/flowspec-extract --project $(EXAMPLE) --validate-only
	@echo "== plans for dev and main"
	$(BIN)/flowspec-extract $(DEMO_FLAGS) --deployment-type dev -o out/plan-dev.json
	$(BIN)/flowspec-extract $(DEMO_FLAGS) --deployment-type main -o out/plan-main.json
	@echo "== deployer show out/plan-main.json"
	$(BIN)/deployer show out/plan-main.json
	@echo "== deployer diff out/plan-dev.json out/plan-main.json"
	$(BIN)/deployer diff out/plan-dev.json out/plan-main.json

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(BIN) out
