package tokens

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bindery-dev/bindery/internal/store"
)

// Empty grant lists are [] in the API, whatever the stored claims hold.
func TestRecordEmptyListsAreArrays(t *testing.T) {
	for _, claims := range []string{`{}`, `{"reports":null,"datasets":null,"targetWorkspaces":null,"identities":null}`, `not json`} {
		r := toRecord(&store.TokenRecord{TokenID: "t1", Caller: "app", IssuedAt: time.Unix(0, 0), Expiry: time.Unix(60, 0),
			Claims: json.RawMessage(claims)})
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"reports":[]`, `"datasets":[]`, `"targetWorkspaces":[]`, `"identities":[]`} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("claims %s: record %s lacks %s", claims, raw, want)
			}
		}
	}
}
