// Package redistest starts the real Redis tools for tests that compare
// PhotonDB with them. Where a tool is not installed, tests skip with a
// message, unless PHOTON_REQUIRE_TOOLS=1 (as CI sets), where they fail.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tool returns the path of a Redis tool such as "redis-server", skipping
// or failing the test when it is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("PHOTON_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s is required (PHOTON_REQUIRE_TOOLS=1) but not installed: %v", name, err)
	}
	t.Skipf("%s not installed; install Debian's redis-server and redis-tools to run this test", name)
	return ""
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Server is a real redis-server started for one test.
type Server struct {
	Addr string
	Dir  string
	cmd  *exec.Cmd
}

// Start runs redis-server on a free loopback port in dir (a new temporary
// directory when empty), with persistence off unless extra arguments turn
// it on, and stops it when the test ends. Extra arguments are passed as
// redis-server options, such as "--dbfilename", "dump.rdb".
func Start(t testing.TB, dir string, extra ...string) *Server {
	t.Helper()
	bin := Tool(t, "redis-server")
	if dir == "" {
		dir = t.TempDir()
	}
	for attempt := 0; attempt < 3; attempt++ {
		port := FreePort(t)
		args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", filepath.Join(dir, "redis.log")}, extra...)
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatalf("start redis-server: %v", err)
		}
		s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), Dir: dir, cmd: cmd}
		if WaitReady(s.Addr, 20*time.Second) {
			t.Cleanup(s.Stop)
			return s
		}
		s.Stop()
	}
	log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
	t.Fatalf("redis-server did not start; its log:\n%s", log)
	return nil
}

// WaitReady polls the server at addr (a redis-server, or photon serve)
// with PING until it answers PONG, so it has also loaded its data (a
// loading server answers -LOADING), or until limit passes.
func WaitReady(addr string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			fmt.Fprint(c, "PING\r\n")
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// Stop kills the server and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}
