VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

build: ## build ./photon
	go build -ldflags "-X main.version=$(VERSION)" -o photon .

test: ## run the tests
	go test ./...

race: ## run the tests under the race detector, as CI does
	go test -race -count=1 ./...

difftest: ## compare 200,000 random commands with a real redis-server, as CI does
	go test -count=1 -run '^TestDifferential$$' ./internal/difftest -difftest.n=200000 -v

bench: ## run the Go benchmarks
	go test -run '^$$' -bench . -benchmem ./...

fuzz: ## fuzz the RESP reader for 30 seconds
	go test -run '^$$' -fuzz '^FuzzReadCommand$$' -fuzztime 30s ./resp/

lint: ## gofmt and go vet
	test -z "$$(gofmt -s -l .)"
	go vet ./...

check: lint race ## everything CI checks, plus the import rule for engine and resp
	@for p in engine resp; do \
	  if go list -deps ./$$p | grep 'photondb/photon/' | grep -qv "photon/$$p$$"; then \
	    echo "$$p imports another photon package"; exit 1; fi; done

ci: ## what CI runs
	bash .ci/run

help: ## list targets
	@grep -E '^[a-z]+:.*##' Makefile | sed 's/:.*## /\t/'

.PHONY: build test race difftest bench fuzz lint check ci help
