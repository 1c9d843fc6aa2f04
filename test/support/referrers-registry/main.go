// referrers-registry serves go-containerregistry's pkg/registry with the OCI 1.1 referrers API
// switched on (`crane registry serve` leaves it off), so the tests have a registry that answers
// GET /v2/<name>/referrers/<digest> beside distribution 2.8, which answers it 404 and leaves
// clients to the `sha256-<hex>` fallback tag. Plain HTTP, blobs and manifests in memory.
//
// scripts/install-deps.sh builds it into .tools/bin; test/support/registry/referrers-registry.ts
// starts it as `referrers-registry --address 127.0.0.1:PORT`.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	address := flag.String("address", "127.0.0.1:5000", "host:port to listen on (plain HTTP)")
	flag.Parse()
	log.Printf("serving on %s", *address)
	log.Fatal(http.ListenAndServe(*address, registry.New(registry.WithReferrersSupport(true))))
}
