package issuer

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"github.com/bindery-dev/bindery/internal/auth/throttle"
)

// login serves the sign-in page of the authorization code flow: a plain HTML
// form (labelled fields, no script) that posts username and password back.
type login struct {
	iss      *Issuer
	callback func(ctx context.Context, authRequestID string) string
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Bindery</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #555;border-radius:4px}
input:focus,button:focus{outline:3px solid #1a5fb4;outline-offset:2px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;background:#1a5fb4;color:#fff;border:0;border-radius:4px}
.error{color:#a51d2d;border:1px solid #a51d2d;padding:.5rem;border-radius:4px}
</style>
</head>
<body>
<main>
<h1>Sign in to Bindery</h1>
{{if .Error}}<p class="error" role="alert" id="login-error">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="authRequestID" value="{{.ID}}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="{{.Username}}"{{if .Error}} aria-describedby="login-error" aria-invalid="true"{{end}} autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required{{if .Error}} aria-describedby="login-error" aria-invalid="true"{{end}}>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`))

type loginData struct {
	Action, ID, Username, Error string
}

func (l *login) render(w http.ResponseWriter, status int, d loginData) {
	d.Action = LoginPath
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY") // no clickjacking of the password form
	w.WriteHeader(status)
	_ = loginPage.Execute(w, d)
}

func (l *login) show(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	if _, ok := l.iss.storage.pendingClient(id); !ok {
		l.render(w, http.StatusBadRequest, loginData{Error: "This sign-in link has expired. Go back to the application and start again."})
		return
	}
	l.render(w, http.StatusOK, loginData{ID: id})
}

// submit checks the password. Failures are throttled per address and per
// username: the password hash is memory-hard, so unthrottled guessing would
// also exhaust the server.
func (l *login) submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		l.render(w, http.StatusBadRequest, loginData{Error: "The form could not be read."})
		return
	}
	id, user, pw := r.PostForm.Get("authRequestID"), r.PostForm.Get("username"), r.PostForm.Get("password")
	keys := []string{throttle.AddrKey(r), "user:" + strings.ToLower(user)}
	lim := l.iss.opts.Limiter
	if ok, wait := lim.Allow(keys...); !ok {
		throttle.Refuse(w, wait)
		return
	}
	if _, ok := l.iss.storage.pendingClient(id); !ok {
		l.render(w, http.StatusBadRequest, loginData{Error: "This sign-in link has expired. Go back to the application and start again."})
		return
	}
	u, err := l.iss.opts.Principals.CheckPassword(r.Context(), user, pw)
	if err != nil {
		lim.Fail(keys...)
		l.render(w, http.StatusUnauthorized, loginData{ID: id, Username: user, Error: "The username or password is not correct."})
		return
	}
	if _, err := l.iss.storage.completeLogin(id, u.Username); err != nil {
		l.render(w, http.StatusBadRequest, loginData{Error: "This sign-in link has expired. Go back to the application and start again."})
		return
	}
	lim.Reset("user:" + strings.ToLower(user))
	http.Redirect(w, r, l.callback(r.Context(), id), http.StatusFound)
}
