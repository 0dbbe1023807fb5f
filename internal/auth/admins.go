package auth

import (
	"net/http"
	"strings"
)

// PromoteAdmins makes the named users server administrators, like the admin key;
// everyone else passes through unchanged. Only users of Bindery's own issuer
// (localIssuer) are promoted: an external issuer cannot mint an administrator by
// naming one of them.
func PromoteAdmins(next Authenticator, localIssuer string, usernames []string) Authenticator {
	if len(usernames) == 0 {
		return next
	}
	set := make(map[string]bool, len(usernames))
	for _, u := range usernames {
		set[strings.ToLower(u)] = true
	}
	return adminUsers{next: next, issuer: localIssuer, names: set}
}

type adminUsers struct {
	next   Authenticator
	issuer string
	names  map[string]bool
}

func (a adminUsers) Authenticate(r *http.Request) (*Principal, error) {
	p, err := a.next.Authenticate(r)
	if err != nil || p.Kind != KindUser || p.Issuer != a.issuer || !a.names[strings.ToLower(p.Identifier)] {
		return p, err
	}
	promoted := *p
	promoted.Kind = KindAdmin
	return &promoted, nil
}
