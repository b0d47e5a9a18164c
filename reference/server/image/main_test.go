package image

import (
	"fmt"
	"os"
	"testing"
)

// ryukDisabled is the testcontainers-go setting that keeps it from starting
// its reaper container, whose image cannot be pulled on an offline machine.
const ryukDisabled = "TESTCONTAINERS_RYUK_DISABLED"

// TestMain switches the reaper off before testcontainers-go reads its
// configuration (once per process, on first use). An explicit value in the
// environment wins: TESTCONTAINERS_RYUK_DISABLED=false brings the reaper
// back where its image can be pulled.
func TestMain(m *testing.M) {
	if _, set := os.LookupEnv(ryukDisabled); !set {
		if err := os.Setenv(ryukDisabled, "true"); err != nil {
			fmt.Fprintf(os.Stderr, "set %s: %v\n", ryukDisabled, err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}
