package samples

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// sessions are the customers sample's own: a signed cookie (HMAC-SHA256 with
// a key made at start, so sign-ins end when the server restarts), HttpOnly,
// SameSite=Lax, Secure over https, scoped to the sample's path.
type sessions struct {
	key      []byte
	lifetime time.Duration
	now      func() time.Time
}

const (
	sessionCookie = "sample_customers_session"
	sessionPath   = "/samples/customers/"
)

type sessionData struct {
	User    string `json:"u"`
	Expires int64  `json:"e"`
}

func newSessions(lifetime time.Duration, now func() time.Time) *sessions {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &sessions{key: key, lifetime: lifetime, now: now}
}

func (s *sessions) sign(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// set signs the user in.
func (s *sessions) set(w http.ResponseWriter, user string, secure bool) {
	exp := s.now().Add(s.lifetime)
	raw, _ := json.Marshal(sessionData{User: user, Expires: exp.Unix()})
	payload := base64.RawURLEncoding.EncodeToString(raw)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: payload + "." + s.sign(payload), Path: sessionPath,
		Expires: exp, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// clear signs the user out.
func (s *sessions) clear(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: sessionPath, MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// user returns the signed-in username, or "" for none (no cookie, a bad signature, expired).
func (s *sessions) user(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	payload, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(payload))) {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ""
	}
	var d sessionData
	if json.Unmarshal(raw, &d) != nil || s.now().Unix() >= d.Expires {
		return ""
	}
	return d.User
}
