package api

import (
	"log/slog"
	"net/http"

	"github.com/bindery-dev/bindery/internal/httperr"
)

// writeError writes err through the one error mapper.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	httperr.Write(w, r, log, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) { httperr.WriteJSON(w, status, v) }
