# Bindery — build, demo, test, bench.
# `make demo` and `make test` are the two commands of the README.

GO        ?= go
BIN       := bin/bindery
DATA      ?= bindery-data
ADDR      ?= 127.0.0.1:8080
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/bindery-dev/bindery/internal/cli.Version=$(VERSION)
PKGS      := ./...

.PHONY: all setup setup-test web build demo run test test-race bench bench-embed fuzz lint fmt clean

all: build

## setup: install what building needs (Go modules, npm packages, gcc)
setup:
	./scripts/setup.sh

## setup-test: setup, plus Debian's Chromium for the browser tests
setup-test:
	./scripts/setup.sh --test

## web: build the front-end bundles that go:embed serves
web: setup
	./scripts/build-web.sh

## build: web assets, then the binary
build: web
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/bindery

## demo: set up, build and start the demo server (Ctrl-C stops it)
demo: setup build
	$(BIN) serve --demo --data $(DATA) --addr $(ADDR)

## run: start the server without seeding the demo
run: build
	$(BIN) serve --data $(DATA) --addr $(ADDR)

## test: the whole test suite (what CI runs)
test: setup-test web lint
	$(GO) test -count=1 -timeout 20m $(PKGS)

## test-race: the suite under the race detector
test-race: setup-test web
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## bench: benchmarks with their figures
bench: web
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x $(PKGS)

## bench-embed: embed() → rendered in headless Chromium over the full demo, cold and warm (prints the figures)
bench-embed: setup-test web
	$(GO) test -count=1 -run '^TestEmbedSpeed$$' -v ./internal/browsertest/ | grep -E 'embed\(\)|targets|dist/|^(ok|FAIL)'

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin web/dist
