package server_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
)

// loopsEnv chooses Options.EventLoops for the servers tests start.
const loopsEnv = "PHOTON_TEST_EVENT_LOOPS"

// testLoops is Options.EventLoops for the servers tests start: 0 (one
// event loop, as serve runs) unless loopsEnv says otherwise.
var testLoops, _ = strconv.Atoi(os.Getenv(loopsEnv))

// TestMain runs the package's tests twice on Linux: with plain TCP
// clients served by an event loop, as serve serves them, then, in a
// child process, with a goroutine for each client, as TLS clients and
// the shell are served everywhere and every client is elsewhere.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code != 0 || runtime.GOOS != "linux" || os.Getenv(loopsEnv) != "" ||
		flag.Lookup("test.bench").Value.String() != "" || flag.Lookup("test.fuzz").Value.String() != "" {
		os.Exit(code)
	}
	fmt.Fprintf(os.Stderr, "server: again, with a goroutine for each client (%s=-1)\n", loopsEnv)
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), loopsEnv+"=-1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "server: with a goroutine for each client: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}
