// Package web holds the built front end — the embed page, the SDK, the samples
// and the portal — that `make build` (npm + esbuild) writes to web/dist and
// the binary embeds. Sources live beside it in web/src.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built files, rooted at web/dist.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a literal directory of the embed above
	}
	return sub
}
