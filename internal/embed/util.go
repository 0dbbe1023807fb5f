package embed

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
)

func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		return errs.New(errs.KindUnsupportedMedia, "UnsupportedMediaType", "Content-Type must be application/json")
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return errs.New(errs.KindTooLarge, "RequestTooLarge", "the request body is too large")
		}
		if errors.Is(err, io.EOF) {
			return errs.Invalid("body", "a JSON body is required")
		}
		return errs.Invalid("body", "invalid JSON: %v", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}
