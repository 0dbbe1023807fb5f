package auth

import (
	"net/http"
	"strings"
)

// PromoteAdmins makes the named users (signed in through any trusted issuer)
// server administrators, like the admin key; everyone else passes through unchanged.
func PromoteAdmins(next Authenticator, usernames []string) Authenticator {
	if len(usernames) == 0 {
		return next
	}
	set := make(map[string]bool, len(usernames))
	for _, u := range usernames {
		set[strings.ToLower(u)] = true
	}
	return adminUsers{next: next, names: set}
}

type adminUsers struct {
	next  Authenticator
	names map[string]bool
}

func (a adminUsers) Authenticate(r *http.Request) (*Principal, error) {
	p, err := a.next.Authenticate(r)
	if err != nil || p.Kind != KindUser || !a.names[strings.ToLower(p.Identifier)] {
		return p, err
	}
	promoted := *p
	promoted.Kind = KindAdmin
	return &promoted, nil
}
