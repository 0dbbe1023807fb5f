package issuer

import (
	"net/http"

	"github.com/bindery-dev/bindery/internal/auth/throttle"
)

// throttleToken refuses token requests from a client id or address that
// failed too often, and counts the failures (any 400 or 401 answer: a wrong
// secret, code, verifier or refresh token).
func (i *Issuer) throttleToken(next http.Handler) http.Handler {
	lim := i.opts.Limiter
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		_ = r.ParseForm() // the provider parses again; ParseForm is idempotent
		clientID, _, ok := r.BasicAuth()
		if !ok {
			clientID = r.PostForm.Get("client_id")
		}
		keys := []string{throttle.AddrKey(r)}
		if clientID != "" {
			keys = append(keys, throttle.ClientKey(clientID))
		}
		if ok, wait := lim.Allow(keys...); !ok {
			throttle.Refuse(w, wait)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		switch {
		case sw.status == http.StatusBadRequest || sw.status == http.StatusUnauthorized:
			lim.Fail(keys...)
		case sw.status == http.StatusOK && clientID != "":
			lim.Reset(throttle.ClientKey(clientID))
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}
