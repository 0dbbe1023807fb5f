package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/testkit"
)

// BenchmarkGenerateTokenHTTP mints embed tokens over real HTTP on loopback, as an
// app's backend does: authentication, validation, lookups, signing and the audit write.
func BenchmarkGenerateTokenHTTP(b *testing.B) {
	app := &auth.Principal{Kind: auth.KindApp, Identifier: "5f0c0de0-aaaa-4bbb-8ccc-0123456789ab"}
	s := testkit.Start(b, testkit.Options{Principals: map[string]*auth.Principal{"tok-app": app}})
	c := s.Do("POST", "/v1.0/myorg/capacities", map[string]any{"displayName": "C", "sku": "A1"}).Want(201).Map()["id"].(string)
	ws := s.Do("POST", "/v1.0/myorg/groups", map[string]any{"name": "W"}).Want(200).Map()["id"].(string)
	s.Do("POST", "/v1.0/myorg/groups/"+ws+"/AssignToCapacity", map[string]any{"capacityId": c}).Want(200)
	s.Do("POST", "/v1.0/myorg/groups/"+ws+"/users", map[string]any{"identifier": app.Identifier, "principalType": "App", "groupUserAccessRight": "Member"}).Want(200)
	ds := s.Do("POST", "/v1.0/myorg/groups/"+ws+"/datasets", rlsDataset).Want(201).Map()["id"].(string)
	rep := s.Do("POST", "/v1.0/myorg/groups/"+ws+"/reports", report(ds)).Want(201).Map()["id"].(string)
	body, _ := json.Marshal(map[string]any{
		"reports": []any{map[string]any{"id": rep}}, "datasets": []any{map[string]any{"id": ds}},
		"identities": []any{map[string]any{"username": "west", "roles": []string{"Region"}, "datasets": []string{ds}}},
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", s.URL+"/v1.0/myorg/GenerateToken", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer tok-app")
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
