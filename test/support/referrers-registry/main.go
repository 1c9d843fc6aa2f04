// referrers-registry serves go-containerregistry's pkg/registry with the OCI 1.1 referrers API
// switched on (`crane registry serve` leaves it off), so the tests have a registry that answers
// GET /v2/<name>/referrers/<digest> beside distribution 2.8, which answers it 404 and leaves
// clients to the `sha256-<hex>` fallback tag. Plain HTTP, blobs and manifests in memory.
//
// pkg/registry (v0.21.9) falls short of the distribution spec 1.1 in two ways that would send
// clients down the wrong path, and this wrapper makes up for both:
//   - a manifest PUT with a subject gets no OCI-Subject header, and a client MUST then take the
//     registry for one without the API and push the fallback tag too (oras does);
//   - the referrers index gives each manifest the config's mediaType as artifactType even when the
//     manifest has its own artifactType field, and drops its annotations; and the
//     ?artifactType= filter is ignored.
//
// scripts/install-deps.sh builds it into .tools/bin; test/support/registry/referrers-registry.ts
// starts it as `referrers-registry --address 127.0.0.1:PORT`.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	address := flag.String("address", "127.0.0.1:5000", "host:port to listen on (plain HTTP)")
	flag.Parse()
	inner := registry.New(registry.WithReferrersSupport(true))
	log.Printf("serving on %s", *address)
	log.Fatal(http.ListenAndServe(*address, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elems := strings.Split(strings.TrimSuffix(r.URL.Path, "/"), "/")
		switch {
		case len(elems) >= 5 && elems[len(elems)-2] == "manifests" && r.Method == http.MethodPut:
			putManifest(inner, w, r)
		case len(elems) >= 5 && elems[len(elems)-2] == "referrers" && r.Method == http.MethodGet:
			referrers(inner, w, r, strings.Join(elems[:len(elems)-2], "/"))
		default:
			inner.ServeHTTP(w, r)
		}
	})))
}

// The fields of a manifest the referrers API reports.
type manifestFields struct {
	ArtifactType string `json:"artifactType"`
	Config       struct {
		MediaType string `json:"mediaType"`
	} `json:"config"`
	Subject *struct {
		Digest string `json:"digest"`
	} `json:"subject"`
	Annotations map[string]string `json:"annotations"`
}

// putManifest stores the manifest and, when it has a subject, says so with OCI-Subject.
func putManifest(inner http.Handler, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var m manifestFields
	_ = json.Unmarshal(body, &m)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	inner.ServeHTTP(rec, r)
	if rec.Code == http.StatusCreated && m.Subject != nil && m.Subject.Digest != "" {
		rec.Header().Set("OCI-Subject", m.Subject.Digest)
	}
	copyResponse(w, rec)
}

// referrers answers with pkg/registry's index, each descriptor's artifactType and annotations
// taken from the manifest itself, filtered by ?artifactType= when asked.
func referrers(inner http.Handler, w http.ResponseWriter, r *http.Request, v2repo string) {
	rec := httptest.NewRecorder()
	inner.ServeHTTP(rec, r)
	var index map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &index) != nil {
		copyResponse(w, rec)
		return
	}
	want := r.URL.Query().Get("artifactType")
	descriptors, _ := index["manifests"].([]any)
	kept := []any{}
	for _, d := range descriptors {
		descriptor, _ := d.(map[string]any)
		digest, _ := descriptor["digest"].(string)
		get := httptest.NewRequest(http.MethodGet, v2repo+"/manifests/"+digest, nil)
		manifest := httptest.NewRecorder()
		inner.ServeHTTP(manifest, get)
		var m manifestFields
		if manifest.Code == http.StatusOK && json.Unmarshal(manifest.Body.Bytes(), &m) == nil {
			artifactType := m.ArtifactType
			if artifactType == "" {
				artifactType = m.Config.MediaType
			}
			descriptor["artifactType"] = artifactType
			if len(m.Annotations) > 0 {
				descriptor["annotations"] = m.Annotations
			}
		}
		if want == "" || descriptor["artifactType"] == want {
			kept = append(kept, descriptor)
		}
	}
	index["manifests"] = kept
	body, _ := json.Marshal(index)
	if want != "" {
		w.Header().Set("OCI-Filters-Applied", "artifactType")
	}
	w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for name, values := range rec.Header() {
		w.Header()[name] = values
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
