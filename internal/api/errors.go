package api

import (
	"math"
	"strconv"

	"context"
	"encoding/json"
	"errors"
	"github.com/bindery-dev/bindery/internal/capacity"
	"log/slog"
	"net/http"

	"github.com/bindery-dev/bindery/internal/errs"
)

// errorBody is Power BI's error shape: {"error":{"code","message"[,"target","details"]}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Target  string        `json:"target,omitempty"`
	Details []errs.Detail `json:"details,omitempty"`
}

// statusOf is the one mapping from error kinds to HTTP statuses.
func statusOf(err error) int {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled):
		return 499 // client closed the request, as nginx and Prometheus report it
	}
	switch errs.KindOf(err) {
	case errs.KindInvalid:
		return http.StatusBadRequest
	case errs.KindNotFound:
		return http.StatusNotFound
	case errs.KindConflict:
		return http.StatusConflict
	case errs.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.KindUnauthorized:
		return http.StatusUnauthorized
	case errs.KindForbidden:
		return http.StatusForbidden
	case errs.KindUnavailable:
		return http.StatusServiceUnavailable
	case errs.KindTimeout:
		return http.StatusGatewayTimeout
	case errs.KindUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case errs.KindTooManyRequests:
		return http.StatusTooManyRequests
	case errs.KindMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// publicError returns what the client may see of err.
func publicError(err error, status int) errorDetail {
	if e, ok := errs.As(err); ok && e.Kind != errs.KindInternal {
		return errorDetail{Code: e.Code, Message: e.Message, Target: e.Field, Details: e.Details}
	}
	switch status {
	case http.StatusServiceUnavailable:
		return errorDetail{Code: "ServiceUnavailable", Message: "the request timed out or the server is shutting down; try again"}
	case 499:
		return errorDetail{Code: "RequestCanceled", Message: "the request was canceled"}
	}
	return errorDetail{Code: "InternalError", Message: "an internal error occurred; the server log has the details (see the RequestId header)"}
}

// writeError logs err with its cause and writes the public part in Power BI's shape.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := statusOf(err)
	body := publicError(err, status)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	log.LogAttrs(r.Context(), level, "request failed",
		slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("code", body.Code), slog.String("err", err.Error()),
		slog.String("requestId", w.Header().Get("RequestId")))
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="bindery"`)
	}
	if d, ok := capacity.RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
	writeJSON(w, status, errorBody{Error: body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the status is sent; a write error means the client left
}
