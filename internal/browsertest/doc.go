// Package browsertest runs Bindery's browser tests: a real Bindery (testkit)
// with the demo seeded, a second loopback server playing the customer's app
// (host pages on another origin, and a tiny backend that mints embed tokens
// the way an app would: client_credentials, then GenerateToken), and
// `node --test web/tests/` driving Debian's Chromium through playwright-core.
//
// The tests live in web/tests; this package only stages them. They need
// `make setup` (npm packages, Chromium) and `make build` (web/dist).
package browsertest
