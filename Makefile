# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go
STATICCHECK_VERSION ?= v0.8.2

.PHONY: help run test lint fuzz bench build

# What `releasebot version` reports; the Docker build passes them in (its
# context has no .git).
BUILD_TIME ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
BUILD_COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
OUT ?= bin/releasebot
LDFLAGS := -s -w -X main.buildTime=$(BUILD_TIME) -X main.buildCommit=$(BUILD_COMMIT)

## help: list the targets.
help:
	@awk -F': ' '/^## [a-z-]+: / { sub(/^## /, "", $$1); printf "  %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

## run: the bot. Without SLACK_BOT_TOKEN it is the console rehearsal on an embedded in-memory Redis.
run:
	$(GO) run ./cmd/releasebot

## test: start Redis if needed, then vet and every test with the race detector.
test:
	bash scripts/ensure-redis.sh
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## lint: formatting and staticcheck.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## fuzz: a short run of every fuzz target (seeds always run in `make test`).
fuzz:
	$(GO) test ./commands -run '^$$' -fuzz FuzzParse -fuzztime 30s

## bench: the Go benchmarks against the real Redis.
bench:
	bash scripts/ensure-redis.sh
	$(GO) test -run '^$$' -bench . -benchmem ./...

## build: the static binary (bin/releasebot, or OUT=…) with the flags the Dockerfile and CI build with.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="$(LDFLAGS)" -o $(OUT) ./cmd/releasebot
