package embed

import (
	"net/http"
	"strings"

	"github.com/bindery-dev/bindery/internal/binding"
	"github.com/bindery-dev/bindery/internal/errs"
)

// caller reads the viewer's credentials: "EmbedToken <token>" (tokenType Embed)
// or "Bearer <token>" (tokenType Aad), as Power BI's own embed requests carry them.
func (h *Handler) caller(r *http.Request) (binding.Caller, error) {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	switch {
	case tok == "":
		return binding.Caller{}, errs.New(errs.KindUnauthorized, "TokenRequired",
			"the embed configuration has no accessToken; pass an embed token (tokenType Embed) or an access token (tokenType Aad)")
	case strings.EqualFold(scheme, "EmbedToken"):
		c, err := h.o.Tokens.Verify(tok)
		if err != nil {
			return binding.Caller{}, err
		}
		return binding.Caller{Embed: c}, nil
	case strings.EqualFold(scheme, "Bearer"):
		p, err := h.o.Authn.Authenticate(r)
		if err != nil {
			return binding.Caller{}, err
		}
		return binding.Caller{User: p}, nil
	}
	return binding.Caller{}, errs.New(errs.KindUnauthorized, "InvalidToken", "the Authorization header must be EmbedToken or Bearer")
}
