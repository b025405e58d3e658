# pktrouter: the two commands a newcomer runs are `make demo` and `make test`.
# Both set up what they need first (EDA tools via apt-get when root, Go modules
# via the Go toolchain).

GO      ?= go
BIN     := bin/pktrouter
VERSION := $(shell git describe --always --dirty --tags 2>/dev/null || echo dev)
LDFLAGS := -X github.com/pktnetwork/pktrouter/internal/version.Version=$(VERSION)

.PHONY: all build tools tools-ensure deps demo test vet fmt-check bench generate lint clean

all: build

## tools: install yosys, verilator, iverilog, nextpnr-ice40 and icestorm (apt-get, as root)
tools:
	@scripts/tools.sh

# tools-ensure: like tools, but outside CI a non-root machine only warns.
tools-ensure:
	@scripts/tools.sh --ensure

## deps: download the Go modules go.mod names
deps:
	@$(GO) mod download

## build: build bin/pktrouter
build: deps
	@mkdir -p bin
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/pktrouter

## demo: set up and run the main job
demo: build
	@$(BIN) demo

## test: set up and run every test (vet, gofmt, go test, hardware suites)
test: tools-ensure deps vet fmt-check
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## bench: run the Go benchmarks
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

## generate: regenerate checked-in generated files
generate: deps
	$(GO) generate ./...

## lint: static checks (vet, gofmt)
lint: vet fmt-check

clean:
	rm -rf bin
