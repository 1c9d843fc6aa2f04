// crio-config runs CRI-O's own configuration code on config files, in order, as CRI-O reads its
// main file and then /etc/crio/crio.conf.d/*: github.com/cri-o/cri-o/pkg/config's DefaultConfig,
// UpdateFromDropInFile for each file, then RuntimeConfig.ValidateRuntimes, the check CRI-O runs at
// start-up that drops an invalid runtime handler ("Runtime handler %q is being ignored due to: …")
// or refuses to start when the invalid handler is the default runtime.
//
// Prints one JSON object: the handlers that survived validation (path, type, root, allowed
// annotations, platform_runtime_paths), the ones CRI-O dropped, and the error CRI-O would stop
// with, if any. Exit 0 whenever the files were read; the caller judges the result.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/cri-o/cri-o/pkg/annotations"
	"github.com/cri-o/cri-o/pkg/config"
	"github.com/sirupsen/logrus"
)

type handler struct {
	RuntimePath          string            `json:"runtime_path"`
	RuntimeType          string            `json:"runtime_type"`
	RuntimeRoot          string            `json:"runtime_root"`
	AllowedAnnotations   []string          `json:"allowed_annotations"`
	PlatformRuntimePaths map[string]string `json:"platform_runtime_paths"`
}

type result struct {
	DefaultRuntime        string             `json:"default_runtime"`
	Runtimes              map[string]handler `json:"runtimes"`
	Ignored               []string           `json:"ignored"`
	Error                 string             `json:"error,omitempty"`
	AllAllowedAnnotations []string           `json:"all_allowed_annotations"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: crio-config FILE...  (main config first, then drop-ins)")
		os.Exit(2)
	}
	logrus.SetOutput(io.Discard)
	c, err := config.DefaultConfig()
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	for _, path := range os.Args[1:] {
		if err := c.UpdateFromDropInFile(ctx, path); err != nil {
			fail(err)
		}
	}
	before := map[string]bool{}
	for name := range c.Runtimes {
		before[name] = true
	}
	out := result{DefaultRuntime: c.DefaultRuntime, Runtimes: map[string]handler{}, Ignored: []string{}, AllAllowedAnnotations: annotations.AllAllowedAnnotations}
	if err := c.RuntimeConfig.ValidateRuntimes(); err != nil {
		out.Error = err.Error()
	}
	for name, h := range c.Runtimes {
		out.Runtimes[name] = handler{h.RuntimePath, h.RuntimeType, h.RuntimeRoot, h.AllowedAnnotations, h.PlatformRuntimePaths}
		delete(before, name)
	}
	for name := range before {
		out.Ignored = append(out.Ignored, name)
	}
	sort.Strings(out.Ignored)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "crio-config:", err)
	os.Exit(1)
}
