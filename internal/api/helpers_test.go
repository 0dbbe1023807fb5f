package api_test

import "github.com/bindery-dev/bindery/internal/config"

type configT = config.Config
