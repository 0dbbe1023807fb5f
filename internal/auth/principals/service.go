// Package principals manages Bindery's own principals: users, who sign in
// with a username and password, and apps (service principals), which use a
// client id and secret. Passwords and secrets are stored only as argon2id
// hashes; an app's secret is returned once, when created or rotated.
package principals

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/bindery-dev/bindery/internal/auth/password"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// Limits on what a client may register.
const (
	MaxUsernameLen    = 128
	MaxDisplayNameLen = 256
	MinPasswordLen    = 8
)

// Options configure a Service.
type Options struct {
	Store store.Principals // required
	// PasswordParams and SecretParams are the argon2id costs; zero values take
	// password.PasswordParams() and password.SecretParams().
	PasswordParams, SecretParams password.Params
	Now                          func() time.Time // nil: time.Now
}

// Service creates, checks and removes principals. It is safe for concurrent use.
type Service struct {
	st          store.Principals
	pw, sec     password.Params
	now         func() time.Time
	dummyPwHash string // verified against for unknown users, so timing does not reveal who exists
}

// New returns a Service.
func New(o Options) *Service {
	if o.PasswordParams == (password.Params{}) {
		o.PasswordParams = password.PasswordParams()
	}
	if o.SecretParams == (password.Params{}) {
		o.SecretParams = password.SecretParams()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{st: o.Store, pw: o.PasswordParams, sec: o.SecretParams, now: o.Now}
	s.dummyPwHash, _ = password.Hash("not-a-real-password", s.pw)
	return s
}

// errBadCredentials is the one answer for an unknown user, a wrong password
// and a disabled account, so that a caller cannot tell them apart.
func errBadCredentials() *errs.Error {
	return errs.New(errs.KindUnauthorized, "InvalidCredentials", "the username or password is not valid")
}

func errBadClient() *errs.Error {
	return errs.New(errs.KindUnauthorized, "InvalidClient", "the client id or secret is not valid")
}

// CreateUser registers a user with a password.
func (s *Service) CreateUser(ctx context.Context, username, displayName, pw string) (*store.User, error) {
	if err := checkUsername(username); err != nil {
		return nil, err
	}
	if err := checkDisplayName(displayName); err != nil {
		return nil, err
	}
	if len(pw) < MinPasswordLen {
		return nil, errs.Invalid("password", "must be at least %d characters", MinPasswordLen)
	}
	h, err := password.Hash(pw, s.pw)
	if err != nil {
		return nil, err
	}
	u := &store.User{Username: username, DisplayName: displayName, PasswordHash: h, CreatedAt: s.now()}
	if err := s.st.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers returns every user.
func (s *Service) ListUsers(ctx context.Context) ([]*store.User, error) { return s.st.ListUsers(ctx) }

// GetUser returns one user.
func (s *Service) GetUser(ctx context.Context, username string) (*store.User, error) {
	return s.st.GetUser(ctx, username)
}

// DeleteUser removes a user. Tokens already issued to them stay valid until they expire.
func (s *Service) DeleteUser(ctx context.Context, username string) error {
	return s.st.DeleteUser(ctx, username)
}

// CheckPassword returns the user when the password is theirs and the account
// is enabled, else an *errs.Error of KindUnauthorized (InvalidCredentials).
func (s *Service) CheckPassword(ctx context.Context, username, pw string) (*store.User, error) {
	u, err := s.st.GetUser(ctx, username)
	if errs.KindOf(err) == errs.KindNotFound {
		_, _ = password.Verify(pw, s.dummyPwHash)
		return nil, errBadCredentials()
	}
	if err != nil {
		return nil, err
	}
	ok, err := password.Verify(pw, u.PasswordHash)
	if err != nil { // a malformed stored hash: our fault, not the caller's
		return nil, err
	}
	if !ok || u.Disabled {
		return nil, errBadCredentials()
	}
	if password.NeedsRehash(u.PasswordHash, s.pw) {
		if h, err := password.Hash(pw, s.pw); err == nil {
			u.PasswordHash = h
			_ = s.st.UpdateUser(ctx, u) // best effort: the sign-in stands either way
		}
	}
	return u, nil
}

// CreateApp registers an app and returns it with its secret, which is not
// kept and cannot be read again.
func (s *Service) CreateApp(ctx context.Context, displayName string) (*store.App, string, error) {
	if err := checkDisplayName(displayName); err != nil {
		return nil, "", err
	}
	secret, h, err := s.newSecret()
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	a := &store.App{ClientID: model.NewID(), DisplayName: displayName, SecretHash: h, CreatedAt: now, SecretRotatedAt: now}
	if err := s.st.CreateApp(ctx, a); err != nil {
		return nil, "", err
	}
	return a, secret, nil
}

// RotateSecret replaces the app's secret and returns the new one. The old
// secret stops working at once; tokens already issued stay valid until they expire.
func (s *Service) RotateSecret(ctx context.Context, clientID string) (string, error) {
	secret, h, err := s.newSecret()
	if err != nil {
		return "", err
	}
	if err := s.st.SetAppSecret(ctx, clientID, h, s.now()); err != nil {
		return "", err
	}
	return secret, nil
}

// ListApps returns every app.
func (s *Service) ListApps(ctx context.Context) ([]*store.App, error) { return s.st.ListApps(ctx) }

// GetApp returns one app.
func (s *Service) GetApp(ctx context.Context, clientID string) (*store.App, error) {
	return s.st.GetApp(ctx, clientID)
}

// DeleteApp removes an app.
func (s *Service) DeleteApp(ctx context.Context, clientID string) error {
	return s.st.DeleteApp(ctx, clientID)
}

// CheckSecret returns the app when the secret is its current one, else an
// *errs.Error of KindUnauthorized (InvalidClient).
func (s *Service) CheckSecret(ctx context.Context, clientID, secret string) (*store.App, error) {
	a, err := s.st.GetApp(ctx, clientID)
	if errs.KindOf(err) == errs.KindNotFound {
		return nil, errBadClient()
	}
	if err != nil {
		return nil, err
	}
	ok, err := password.Verify(secret, a.SecretHash)
	if err != nil { // a malformed stored hash: our fault, not the caller's
		return nil, err
	}
	if !ok {
		return nil, errBadClient()
	}
	return a, nil
}

func (s *Service) newSecret() (secret, hash string, err error) {
	secret, err = password.NewSecret()
	if err != nil {
		return "", "", err
	}
	hash, err = password.Hash(secret, s.sec)
	return secret, hash, err
}

// checkUsername allows what people use as login names (including e-mail
// addresses) and refuses what would be ambiguous in a URL path or a log.
func checkUsername(u string) error {
	if u == "" {
		return errs.Invalid("username", "is required")
	}
	if len(u) > MaxUsernameLen {
		return errs.Invalid("username", "must be at most %d bytes", MaxUsernameLen)
	}
	for _, r := range u {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_@+", r)) {
			return errs.Invalid("username", "may contain only letters, digits and . - _ @ +, not %q", r)
		}
	}
	return nil
}

func checkDisplayName(n string) error {
	if len(n) > MaxDisplayNameLen {
		return errs.Invalid("displayName", "must be at most %d bytes", MaxDisplayNameLen)
	}
	for _, r := range n {
		if unicode.IsControl(r) {
			return errs.Invalid("displayName", "must not contain control characters")
		}
	}
	return nil
}
