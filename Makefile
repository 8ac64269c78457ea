GO ?= go
BIN := bin
EXAMPLE := testdata/example-project

.PHONY: all build test demo bench fmt vet clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

test: vet
	$(GO) test ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

demo: build
	@echo "demo: not wired yet"

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(BIN) out
