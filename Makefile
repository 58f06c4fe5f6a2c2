# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go
STATICCHECK_VERSION ?= v0.8.2

.PHONY: run test lint fuzz bench build

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

build:
	CGO_ENABLED=0 $(GO) build -o bin/releasebot ./cmd/releasebot
