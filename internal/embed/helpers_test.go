package embed_test

import (
	"encoding/base64"

	"github.com/bindery-dev/bindery/internal/config"
)

type configT = config.Config

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
