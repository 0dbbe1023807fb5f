package samples

import (
	"html/template"
	"net/http"
	"strings"
)

// The pages are plain server-rendered HTML; each app's script (web/src/samples)
// does the embedding. Scripts load from this origin only (CSP), and the report
// frame may come from Bindery's public URL.
var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="stylesheet" href="/samples/assets/samples.css">
</head>
{{end}}

{{define "index"}}{{template "head" .}}
<body>
<main class="narrow">
<h1>Bindery samples</h1>
<p>Two small applications that embed the demo's "Retail Sales" report, each the way one of Power BI Embedded's
scenarios does it. Both talk to Bindery only over its public HTTP API.</p>
<ul class="cards">
<li><a href="/samples/customers/"><strong>Embed for your customers</strong></a> (app owns data): the app signs in its
own customers — three retailers — and embeds the report with an embed token bound to the retailer's dataset.</li>
<li><a href="/samples/organization/"><strong>Embed for your organization</strong></a> (user owns data): you sign in to
Bindery, and the page embeds with your own access token, offering only the datasets you may read.</li>
</ul>
</main>
</body>
</html>
{{end}}

{{define "signin"}}{{template "head" .}}
<body>
<main class="narrow">
<p class="app-name">Retail Portal <span class="tag">sample app · embed for your customers</span></p>
<h1>Sign in</h1>
<p>This is the sample application's own sign-in, not Bindery's: its users are the retailers it serves.</p>
{{if .Error}}<p class="error" role="alert" id="signin-error">{{.Error}}</p>{{end}}
<form method="post" action="/samples/customers/signin">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="{{.Username}}"{{if .Error}} aria-describedby="signin-error" aria-invalid="true"{{end}}{{if not .Username}} autofocus{{end}}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required{{if .Error}} aria-describedby="signin-error" aria-invalid="true"{{end}}{{if .Username}} autofocus{{end}}>
<button type="submit">Sign in</button>
</form>
<h2>Demo accounts</h2>
<table>
<thead><tr><th scope="col">Username</th><th scope="col">Retailer</th><th scope="col">Row-level security</th></tr></thead>
<tbody>
{{range .Accounts}}<tr><td><code>{{.Username}}</code></td><td>{{.Retailer}}</td><td>{{if .RLSRoles}}role {{index .RLSRoles 0}} as {{.RLSUsername}}{{else}}—{{end}}</td></tr>
{{end}}</tbody>
</table>
<p class="hint">Their passwords are in <code>{{.AccountsFile}}</code> in the server's data directory.</p>
<p><a href="/samples/">All samples</a></p>
</main>
</body>
</html>
{{end}}

{{define "customers"}}{{template "head" .}}
<body>
<header class="bar">
<p class="app-name">Retail Portal <span class="tag">sample app · embed for your customers</span></p>
<p id="who">Signed in as <strong>{{.User.DisplayName}}</strong> — <span id="retailer">{{.User.Retailer}}</span></p>
<form method="post" action="/samples/customers/signout" class="switch">
<label for="next">Switch retailer</label>
<select id="next" name="next">
{{range .Accounts}}{{if ne .Username $.User.Username}}<option value="{{.Username}}">{{.Retailer}}</option>{{end}}
{{end}}</select>
<button type="submit" name="action" value="switch">Switch</button>
<button type="submit" name="action" value="signout" class="secondary">Sign out</button>
</form>
</header>
<main class="app" id="app" data-retailer="{{.User.Retailer}}">
<section class="report-area" aria-label="Retail Sales report for {{.User.Retailer}}">
<div id="embed-error" class="error" role="alert" hidden></div>
<div id="report-container" class="report"></div>
</section>
<aside class="side" aria-label="How this page embeds">
<h2>Embed token</h2>
<dl id="token-info">
<dt>Dataset</dt><dd id="dataset-id">…</dd>
<dt>Token id</dt><dd id="token-id">…</dd>
<dt>Expires</dt><dd id="token-expiration">…</dd>
<dt>Renewed</dt><dd id="token-renewals">0 times</dd>
<dt>RLS identity</dt><dd id="token-identity">…</dd>
</dl>
<h2>Events</h2>
<ol id="events" class="events" aria-live="polite"></ol>
</aside>
</main>
<script src="/sdk/v1/bindery.js"></script>
<script src="/samples/assets/customers.js"></script>
</body>
</html>
{{end}}

{{define "organization"}}{{template "head" .}}
<body>
<header class="bar">
<p class="app-name">Contoso Analytics <span class="tag">sample app · embed for your organization</span></p>
<p id="who" hidden>Signed in to Bindery as <strong id="username"></strong></p>
<button type="button" id="signout" class="secondary" hidden>Sign out</button>
</header>
<main class="app" id="app">
<section id="signin" class="narrow" hidden>
<h1>Sign in with Bindery</h1>
<p>This page has no backend of its own: it signs you in to Bindery (authorization code flow with PKCE, as MSAL.js
does with Azure AD) and embeds the report with your own access token.</p>
<button type="button" id="signin-button">Sign in with Bindery</button>
<p class="hint">Demo users and their passwords are in <code>demo.json</code> in the server's data directory.</p>
</section>
<section class="report-area" id="report-area" hidden aria-label="Retail Sales report">
<div id="embed-error" class="error" role="alert" hidden></div>
<div id="report-container" class="report"></div>
</section>
<aside class="side" id="side" hidden aria-label="Datasets">
<h2 id="datasets-heading">Datasets you may bind</h2>
<p class="hint" id="datasets-status">Looking for datasets…</p>
<ul id="datasets" class="datasets" aria-labelledby="datasets-heading"></ul>
<details id="advanced">
<summary>Advanced: bind any dataset id</summary>
<form id="any-dataset">
<label for="any-dataset-id">Dataset id</label>
<input id="any-dataset-id" name="datasetId" type="text" spellcheck="false" autocomplete="off" required pattern="[0-9a-fA-F-]{36}">
<button type="submit">Bind</button>
</form>
<p class="hint">Bindery checks your Read permission on the dataset; without it the report raises an error event.</p>
</details>
<h2>Events</h2>
<ol id="events" class="events" aria-live="polite"></ol>
</aside>
<p id="fatal" class="error" role="alert" hidden></p>
</main>
<script src="/sdk/v1/bindery.js"></script>
<script src="/samples/assets/organization.js"></script>
</body>
</html>
{{end}}
`))

// render writes a page with the samples' security headers.
func (h *Handler) render(w http.ResponseWriter, status int, name string, data any) {
	frames := "'self'"
	if h.origin != "" {
		frames += " " + h.origin
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", strings.Join([]string{
		"default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
		"connect-src " + frames, "frame-src " + frames, "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
	}, "; "))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin") // not no-referrer: that makes form posts send "Origin: null"
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		h.o.Logger.Warn("sample page", "page", name, "err", err)
	}
}

func (h *Handler) index(w http.ResponseWriter, _ *http.Request) {
	h.render(w, http.StatusOK, "index", struct{ Title string }{"Bindery samples"})
}
