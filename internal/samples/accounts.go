package samples

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
)

// customer is one account of the customers sample's own sign-in: the app's
// customers are retailers, and each account sees its retailer's dataset.
type customer struct {
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	Retailer    string `json:"retailer"` // the dataset's name in the demo
	// RLSUsername and RLSRoles are the effective identity the app passes to GenerateToken
	// when the retailer's dataset has row-level security.
	RLSUsername string   `json:"rlsUsername,omitempty"`
	RLSRoles    []string `json:"rlsRoles,omitempty"`
	Password    string   `json:"password"`
}

// defaultCustomers are the sample's three retailers. Northwind's dataset has
// RLS: its manager sees only the stores of the West region.
var defaultCustomers = []customer{
	{Username: "buyer@contoso.example", DisplayName: "Carla Buyer", Retailer: "Contoso Electronics"},
	{Username: "buyer@fabrikam.example", DisplayName: "Frank Buyer", Retailer: "Fabrikam Fashion"},
	{Username: "west.manager@northwind.example", DisplayName: "Wes Manager (West region)", Retailer: "Northwind Grocers",
		RLSUsername: "west.manager@northwind.example", RLSRoles: []string{"Regional Manager"}},
}

// accountStore keeps the accounts in a JSON file, readable only by its owner,
// with passwords generated at first start (so a person can look them up there).
type accountStore struct {
	path string
	mu   sync.Mutex
	list []customer
}

type accountsFile struct {
	Note      string     `json:"note"`
	Customers []customer `json:"customers"`
}

func (s *accountStore) all() ([]customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.list != nil {
		return s.list, nil
	}
	raw, err := os.ReadFile(s.path)
	switch {
	case err == nil:
		var f accountsFile
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("sample accounts %s: %w", s.path, err)
		}
		s.list = f.Customers
		return s.list, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("sample accounts: %w", err)
	}
	list := make([]customer, len(defaultCustomers))
	for i, c := range defaultCustomers {
		c.Password = newPassword()
		list[i] = c
	}
	f := accountsFile{Note: "Accounts of the \"embed for your customers\" sample (/samples/customers/): its own users, not Bindery's.", Customers: list}
	raw, err = json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	if s.path != "" {
		if err := os.WriteFile(s.path, append(raw, '\n'), 0o600); err != nil {
			return nil, fmt.Errorf("sample accounts: %w", err)
		}
	}
	s.list = list
	return s.list, nil
}

// check returns the account whose username and password match.
func (s *accountStore) check(username, password string) (*customer, bool, error) {
	list, err := s.all()
	if err != nil {
		return nil, false, err
	}
	for i := range list {
		c := &list[i]
		if strings.EqualFold(c.Username, strings.TrimSpace(username)) {
			return c, subtle.ConstantTimeCompare([]byte(c.Password), []byte(password)) == 1, nil
		}
	}
	return nil, false, nil
}

// find returns the account of a signed-in username.
func (s *accountStore) find(username string) (*customer, error) {
	list, err := s.all()
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Username == username {
			return &list[i], nil
		}
	}
	return nil, nil
}

func newPassword() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return "sample-" + base64.RawURLEncoding.EncodeToString(b[:])
}
