package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bindery-dev/bindery/internal/testkit"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTokensNeverLogged mints, uses, misuses and revokes an embed token with
// the server logging at debug level, and checks the log never holds it.
func TestTokensNeverLogged(t *testing.T) {
	var log syncBuffer
	s := testkit.Start(t, testkit.Options{Log: &log, Principals: roleTokens})
	c := s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "C", "sku": "A1"}).Want(201).Map()["id"].(string)
	ws := s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "W"}).Want(200).Map()["id"].(string)
	s.Do("POST", "/v1.0/myorg/groups/"+ws+"/AssignToCapacity", map[string]any{"capacityId": c}).Want(200)
	ds := s.Do("POST", "/v1.0/myorg/groups/"+ws+"/datasets", pushDataset).Want(201).Map()["id"].(string)
	rep := s.Do("POST", "/v1.0/myorg/groups/"+ws+"/reports", report(ds)).Want(201).Map()["id"].(string)
	res := s.Do("POST", "/v1.0/myorg/GenerateToken", items([]string{rep}, []string{ds})).Want(200).Map()
	tok := res["token"].(string)
	for _, authz := range []string{"EmbedToken " + tok, "EmbedToken " + tok + "x", "Bearer " + tok} {
		for _, body := range []string{`{"reportId":"` + rep + `"}`, `{"reportId":"` + rep + `","datasetId":"` + model0() + `"}`, `{`} {
			req, _ := http.NewRequest("POST", s.URL+"/embed/v1/load", strings.NewReader(body))
			req.Header.Set("Authorization", authz)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	s.DoAs(tok, "GET", "/v1.0/myorg/groups", nil).Want(401)
	s.Do("POST", "/v1.0/myorg/embedTokens/"+res["tokenId"].(string)+"/Revoke", nil).Want(200)
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	out := log.String()
	if !strings.Contains(out, res["tokenId"].(string)) {
		t.Fatalf("the log should name the token by its id:\n%s", out)
	}
	if strings.Contains(out, sig) || strings.Contains(out, tok[:40]) || strings.Contains(out, s.Key) {
		t.Fatalf("a token or key reached the log:\n%s", out)
	}
}
