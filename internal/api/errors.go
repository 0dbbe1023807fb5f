package api

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/bindery-dev/bindery/internal/httperr"
)

// writeError writes err through the one error mapper.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	httperr.Write(w, r, log, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the status is sent; a write error means the client left
}
