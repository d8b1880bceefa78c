package difftest_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/internal/difftest"
	"github.com/photondb/photon/internal/redistest"
)

var (
	flagN        = flag.Int("difftest.n", 20000, "commands TestDifferential generates")
	flagSeed     = flag.Uint64("difftest.seed", 0, "seed of TestDifferential's commands; 0 picks one from the clock")
	flagFamilies = flag.String("difftest.families", "", "comma-separated command families to generate; all when empty")
	flagKeep     = flag.Int("difftest.keepgoing", 0, "differences to look for after the first, from empty servers each time")
	flagShrink   = flag.Duration("difftest.shrinktime", 2*time.Minute, "longest time spent shrinking a difference")
	flagCases    = flag.String("difftest.cases", "../../testdata/difftest/known.txt", "file of cases TestKnownCases replays")
	flagPhoton   = flag.String("difftest.photon", "", "address of a running photon serve to test, instead of starting one")
	flagRedis    = flag.String("difftest.redis", "", "address of a running redis-server to compare with, instead of starting one")
)

// Ensure that photon serve and redis-server give the same reply to every
// command of a long random sequence, and end with the same data.
func TestDifferential(t *testing.T) {
	seed := *flagSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	r := newRunner(t)
	if *flagFamilies != "" {
		r.Families = strings.Split(*flagFamilies, ",")
	}
	t.Logf("seed %d, %d commands (replay with -difftest.seed=%d -difftest.n=%d)", seed, *flagN, seed, *flagN)
	start := time.Now()
	r.KeepGoing = *flagKeep
	fails, err := r.Run(seed, *flagN)
	for _, f := range fails {
		t.Errorf("%v", f)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) > 0 {
		return
	}
	t.Logf("%d commands and the final datasets agree (%v)", *flagN, time.Since(start).Round(time.Millisecond))
}

// Ensure that every case in testdata/difftest/known.txt still shows its
// difference: a case that no longer does was fixed, and it should leave
// the file, and its entry the known list in known.go, so that the
// generators test those commands again.
func TestKnownCases(t *testing.T) {
	knownFile := *flagCases
	f, err := os.Open(knownFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := difftest.ParseCases(f)
	if err != nil {
		t.Fatalf("%s: %v", knownFile, err)
	}
	if len(cases) == 0 {
		return
	}
	r := newRunner(t)
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			i, diff, err := r.Replay(c.Commands)
			if err != nil {
				t.Fatal(err)
			}
			if i < 0 {
				t.Errorf("%s:%d: case %s (%s) no longer differs: it was fixed; remove it from %s and from knownDiffs in known.go",
					knownFile, c.Line, c.ID, c.Title, filepath.Base(knownFile))
				return
			}
			t.Logf("still differs at command %d: %s", i+1, diff)
		})
	}
}

// newRunner starts photon serve and redis-server, unless flags name
// running ones, and returns a Runner for them.
func newRunner(t *testing.T) *difftest.Runner {
	t.Helper()
	photon, redis := *flagPhoton, *flagRedis
	if redis == "" {
		redis = redistest.Start(t, "").Addr
	}
	if photon == "" {
		photon = startPhoton(t)
	}
	return &difftest.Runner{Photon: photon, Redis: redis, ShrinkFor: *flagShrink, Logf: t.Logf}
}

var (
	buildOnce sync.Once
	binDir    string // holds the photon binary the tests built, removed at the end
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// startPhoton builds photon once per test binary and runs photon serve
// on a free loopback port, with snapshots off as redistest starts Redis,
// until the test ends.
func startPhoton(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "difftest-bin")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "photon")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/photondb/photon").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	dir := t.TempDir()
	port := redistest.FreePort(t)
	logPath := filepath.Join(dir, "photon.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binPath, "serve", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--dbfilename", "dump.rdb", "--save", "")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logFile.Close()
		if t.Failed() {
			log, _ := os.ReadFile(logPath)
			t.Logf("photon serve's log:\n%s", log)
		}
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if !redistest.WaitReady(addr, 20*time.Second) {
		log, _ := os.ReadFile(logPath)
		t.Fatalf("photon serve did not start; its log:\n%s", log)
	}
	return addr
}
