# mdcheck: `make check` is what CI runs (.ci/run) and what to run before
# every commit.
GO ?= go

.PHONY: check fmt vet lint test tidy fuzz docs build release bench

check: fmt vet lint test tidy

fmt:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint:
	$(GO) tool staticcheck ./...

test:
	$(GO) test -race -timeout 15m ./...

tidy:
	$(GO) mod tidy -diff

# Each fuzz target in turn for FUZZTIME (default 20s).
fuzz:
	scripts/fuzz.sh $(or $(FUZZTIME),20s)

# Regenerate the generated docs: the model's JSON Schema, the schemas of
# the JSON outputs and the rule reference.
docs:
	$(GO) run ./cmd/mdcheck schema > docs/device.schema.json
	$(GO) run ./cmd/mdcheck schema dispositions > docs/dispositions.schema.json
	$(GO) test ./internal/render -run '^TestSchemaFiles$$' -update
	$(GO) run ./internal/catalog/gendocs > docs/rules.md

# The binary says which commit it was built from (mdcheck version), also
# where go build records no VCS information.
STAMP = -X github.com/mdcheck/mdcheck/internal/cli.Commit=$$(git rev-parse HEAD 2>/dev/null) -X github.com/mdcheck/mdcheck/internal/cli.BuildDate=$$(git log -1 --format=%cI 2>/dev/null)

build:
	$(GO) build -ldflags "$(STAMP)" -o bin/mdcheck ./cmd/mdcheck

# Static binaries for every platform, each with its CycloneDX SBOM, and
# SHA256SUMS, in dist/. VERSION defaults to git describe.
release:
	scripts/release.sh $(VERSION)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
