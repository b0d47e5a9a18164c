# EMSG/1 conformance suite and load simulator.
# `make conformance` and `make test` are the two commands a newcomer needs;
# everything else is for working on the project itself.

GO          ?= go
FUZZTIME    ?= 20s
BENCHCOUNT  ?= 6
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
DOCKER      ?= docker
IMAGE       ?= emsg-reference:dev
IMAGE_DIR   := out/image

.PHONY: all conformance conformance-docker test lint vectors spec fuzz bench image load clean

all: lint test

## conformance: run every server suite against the in-process reference (reports in out/conformance)
conformance:
	$(GO) run ./cmd/emsg conform --expectations conformance/expectations/reference.yaml --report-dir out/conformance

## conformance-docker: the same suites against the reference image, one container per domain (needs Docker)
conformance-docker: image
	$(GO) run ./cmd/emsg conform --target container --image $(IMAGE) \
	  --expectations conformance/expectations/reference.yaml --report-dir out/conformance-docker

## load: the default load scenario (3,000 users on three domains, a minute) against the in-process reference; exits 1 on any loss, duplicate or error, or p99 over 1 s; reports in load-results/
load:
	$(GO) run ./cmd/emsg load --scenario loadgen/scenarios/default.yaml --threshold 'p99<1s' --threshold loss==0 --threshold dup==0 --threshold errors==0

## test: all unit, property, vector and spec tests (what CI runs)
test:
	$(GO) test -count=1 ./...

## lint: formatting, vet and staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## vectors: regenerate the test-vector files (deterministic; commit the result)
vectors:
	$(GO) generate ./vectors

## spec: regenerate the generated documents: spec/EMSG.md and reference/server/ENVIRONMENT.md
spec:
	$(GO) test ./spec -run TestEMSGMarkdownIsGenerated -update
	$(GO) test ./reference/server/config -run TestEnvironmentMarkdownIsGenerated -update

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
	  done; \
	done

## bench: protocol-library benchmarks, each beside the raw primitive it is built on
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./reference/protocol/...

## image: build the reference server's image IMAGE: static binary FROM scratch, nothing pulled (docs/CONTAINER.md)
image:
	rm -rf $(IMAGE_DIR) && mkdir -p $(IMAGE_DIR)/data
	CGO_ENABLED=0 GOOS=linux GOARCH=$$($(DOCKER) version -f '{{.Server.Arch}}') \
	  $(GO) build -trimpath -ldflags='-s -w' -o $(IMAGE_DIR)/emsg ./cmd/emsg
	$(DOCKER) build -f reference/server/Dockerfile -t $(IMAGE) \
	  --build-arg VERSION=$$(git describe --tags --always --dirty 2>/dev/null || echo dev) \
	  --build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
	  --build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) \
	  $(IMAGE_DIR)

clean:
	$(GO) clean -testcache
