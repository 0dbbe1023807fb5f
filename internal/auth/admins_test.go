package auth

import (
	"net/http"
	"testing"
)

type fixed struct{ p *Principal }

func (f fixed) Authenticate(*http.Request) (*Principal, error) { return f.p, nil }

func TestPromoteAdminsOnlyLocalUsers(t *testing.T) {
	const local = "https://bindery.example.com"
	cases := []struct {
		name string
		p    Principal
		want Kind
	}{
		{"local admin user", Principal{Kind: KindUser, Identifier: "Boss@Example.com", Issuer: local}, KindAdmin},
		{"external user with the same name", Principal{Kind: KindUser, Identifier: "boss@example.com", Issuer: "https://idp.example.net"}, KindUser},
		{"app with the same name", Principal{Kind: KindApp, Identifier: "boss@example.com", Issuer: local}, KindApp},
		{"other local user", Principal{Kind: KindUser, Identifier: "ann@example.com", Issuer: local}, KindUser},
	}
	for _, c := range cases {
		p := c.p
		got, err := PromoteAdmins(fixed{&p}, local, []string{"boss@example.com"}).Authenticate(nil)
		if err != nil || got.Kind != c.want || got.Identifier != c.p.Identifier {
			t.Errorf("%s: %+v %v, want kind %s", c.name, got, err, c.want)
		}
		if p.Kind != c.p.Kind {
			t.Errorf("%s: the original principal was modified", c.name)
		}
	}
}
