package difftest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/resp"
)

// Runner sends generated command sequences to photon and to Redis and
// compares the replies. Its fields are read when Run or Replay starts.
type Runner struct {
	Photon, Redis string // addresses, "host:port"

	// Families names the command families to generate (see Families);
	// all when empty.
	Families []string
	// Batch is how many commands are pipelined to each server at once;
	// 200 when zero.
	Batch int
	// Slack is how far apart two TTL replies may be, for servers that run
	// the same command a moment apart; 2 s when zero.
	Slack time.Duration
	// ShrinkFor bounds the time spent shrinking a failing sequence;
	// 2 minutes when zero.
	ShrinkFor time.Duration
	// KeepGoing is how many more differences Run looks for after the
	// first, from empty servers each time; each kind (command and
	// replies) is reported once.
	KeepGoing int
	// Logf, when set, reports progress.
	Logf func(format string, args ...any)

	fams  []*Family
	rules map[string]Rule
}

// Failure is a difference between the servers: a sequence of commands
// that, run pipelined on fresh servers, has a command whose replies
// differ (or that broke a connection).
type Failure struct {
	Seed     uint64
	At       int // index, in the run, of the command that differed
	Commands [][]string
	Target   int // the index in Commands of the command that differed
	// Replies to Commands[Target].
	Photon, Redis resp.Value
	Probe         []string   // the Redis-only command that helped compare, if any
	ProbeReply    resp.Value // its reply
	Err           error      // a connection failed instead
	Shrunk        bool       // false when shrinking ran out of time
}

func (f *Failure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "difftest: seed %d: command %d differs; replay with -difftest.seed=%d\n", f.Seed, f.At, f.Seed)
	what := "minimal sequence"
	if !f.Shrunk {
		what = "shortest sequence found before shrinking stopped"
	}
	fmt.Fprintf(&b, "%s (%d commands, on fresh servers):\n", what, len(f.Commands))
	for i, c := range f.Commands {
		mark := ""
		if i == f.Target && i < len(f.Commands)-1 {
			mark = "    <- differs (the commands after it are pipelined with it)"
		}
		fmt.Fprintf(&b, "    %s%s\n", FormatCommand(c), mark)
	}
	if f.Err != nil {
		fmt.Fprintf(&b, "connection failed: %v\n", f.Err)
		return b.String()
	}
	fmt.Fprintf(&b, "photon: %s\nredis:  %s\n", showValue(f.Photon), showValue(f.Redis))
	if len(f.Photon.Elems) > 0 && len(f.Redis.Elems) > 0 {
		fmt.Fprintf(&b, "first difference at %s\n", firstDifference(f.Photon, f.Redis))
	}
	if f.Probe != nil {
		fmt.Fprintf(&b, "(redis %s: %s)\n", FormatCommand(f.Probe), showValue(f.ProbeReply))
	}
	return b.String()
}

// step is a command with the rule that compares its replies.
type step struct {
	args  []string
	rule  Rule
	probe []string // sent to Redis only, after args; nil for none
}

func (r *Runner) setup() error {
	fams, err := selectFamilies(r.Families)
	if err != nil {
		return err
	}
	r.fams = fams
	r.rules = map[string]Rule{}
	for _, f := range families { // every family's rules, also for replays
		for name, rule := range f.Rules {
			r.rules[name] = rule
		}
	}
	slack := r.Slack
	if slack == 0 {
		slack = 2 * time.Second
	}
	r.rules["TTL"] = Approx(int64((slack + time.Second - 1) / time.Second))
	r.rules["PTTL"] = Approx(slack.Milliseconds())
	r.rules["EXPIRETIME"] = Approx(int64((slack + time.Second - 1) / time.Second))
	r.rules["PEXPIRETIME"] = Approx(slack.Milliseconds())
	return nil
}

func (r *Runner) step(args []string) step {
	rule := ruleFor(r.rules, args)
	if rule.For != nil {
		rule = rule.For(args)
	}
	s := step{args: args, rule: rule}
	if rule.Probe != nil {
		s.probe = rule.Probe(args)
	}
	return s
}

func (r *Runner) logf(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
	}
}

// Run generates n commands from seed, runs them against both servers in
// pipelined batches, then compares the final datasets. It returns nil
// when every reply agreed, or the differences found, each shrunk: the
// first, or with KeepGoing more. The servers are flushed first.
func (r *Runner) Run(seed uint64, n int) ([]*Failure, error) {
	if err := r.setup(); err != nil {
		return nil, err
	}
	d := newDriver(seed, r.fams)
	s, err := r.open()
	if err != nil {
		return nil, err
	}
	counts := tally{}
	s.tally = counts
	defer func() { r.logf("difftest: commands that agreed, by name:\n%v", counts) }()
	defer func() {
		if s != nil {
			s.close()
		}
	}()
	batch := r.Batch
	if batch <= 0 {
		batch = 200
	}
	var (
		fails   []*Failure
		seen    = map[string]bool{} // signatures of the differences found
		history []step              // since the servers were last flushed
		made    int                 // commands generated
		ran     int                 // commands run, with the final check
		checked bool
		next    = time.Now().Add(10 * time.Second)
	)
	for {
		var steps []step
		for len(steps) < batch && (made < n || d.pending()) {
			steps = append(steps, r.step(d.next()))
			made++
		}
		if len(steps) == 0 { // the run is over: compare the datasets
			if checked {
				return fails, nil
			}
			steps, checked = r.finalCheck(), true
		}
		start := len(history)
		history = append(history, steps...)
		at, res, err := s.run(steps)
		ran += len(steps)
		if err == nil && at < 0 {
			if time.Now().After(next) {
				r.logf("difftest: %d of %d commands agree", made, n)
				next = time.Now().Add(10 * time.Second)
			}
			continue
		}
		var f *Failure
		switch sig := signature(steps[max(at, 0)], res, err); {
		case err != nil:
			f = r.fail(seed, ran-1, history, len(history)-1, err)
		case !seen[sig]:
			seen[sig] = true
			// Commands after the one that differed may matter (their
			// replies were pipelined with its reply): keep its batch.
			f = r.fail(seed, ran-len(steps)+at, history, start+at, res)
		default:
			r.logf("difftest: command %d differs as an earlier one did: %s", ran-len(steps)+at, FormatCommand(steps[at].args))
		}
		if f != nil {
			fails = append(fails, f)
			if len(fails) > r.KeepGoing || f.Err != nil {
				return fails, nil
			}
		}
		// The servers disagree now: go on from empty ones.
		s.close()
		if s, err = r.open(); err != nil {
			return fails, err
		}
		s.tally = counts
		history = nil
	}
}

// signature names a difference by command and the kinds of the replies
// (error messages without their numbers), so that KeepGoing reports each
// kind of difference once.
func signature(st step, res result, err error) string {
	if err != nil {
		return "error"
	}
	name := strings.ToUpper(st.args[0])
	if len(st.args) > 1 && containers[name] {
		name += "|" + strings.ToUpper(st.args[1])
	}
	describe := func(v resp.Value) string {
		if v.Kind != resp.Error {
			return strconv.Itoa(int(v.Kind))
		}
		msg, _, _ := strings.Cut(string(v.Str), "'") // without what it quotes
		return strings.Map(func(c rune) rune {
			if '0' <= c && c <= '9' {
				return -1
			}
			return c
		}, msg)
	}
	return name + " " + describe(res.photon) + " / " + describe(res.redis)
}

// containers are the commands whose first argument is a subcommand.
var containers = map[string]bool{"CLIENT": true, "CONFIG": true, "COMMAND": true, "SLOWLOG": true, "OBJECT": true, "PUBSUB": true}

// fail shrinks a sequence in which seq[target] differed (or, for an
// error, that broke a connection: then any error counts) and describes
// it. at is the target's index in the run.
func (r *Runner) fail(seed uint64, at int, seq []step, target int, first any) *Failure {
	f := &Failure{Seed: seed, At: at}
	if err, ok := first.(error); ok {
		f.Err = err
		r.logf("difftest: a connection failed after command %d: %v; shrinking %d commands", at, err, len(seq))
		seq, target, f.Shrunk = r.shrink(seq, target, func(seq []step, _ int) bool {
			_, _, err := r.replay(seq)
			return err != nil
		})
	} else {
		r.logf("difftest: command %d differs: %s; shrinking %d commands", at, FormatCommand(seq[target].args), len(seq))
		// A shorter sequence must show the same difference, not another
		// one at the same command (an EXEC whose MULTI went).
		sig := signature(seq[target], first.(result), nil)
		seq, target, f.Shrunk = r.shrink(seq, target, func(seq []step, target int) bool {
			i, res, err := r.replay(seq)
			return err == nil && i == target && signature(seq[target], res, nil) == sig
		})
		// The replies of the minimal sequence, which are what its reader
		// will see when replaying it.
		if i, res, err := r.replay(seq); err == nil && i == target {
			first = res
		}
		res := first.(result)
		f.Photon, f.Redis, f.ProbeReply = res.photon, res.redis, res.probe
		f.Probe = seq[target].probe
	}
	f.Target = target
	for _, s := range seq {
		f.Commands = append(f.Commands, s.args)
	}
	return f
}

// Replay runs commands on freshly flushed servers, in one pipeline, and
// returns the index of the first command whose replies differ, with a
// description, or -1 when all agree.
func (r *Runner) Replay(cmds [][]string) (int, string, error) {
	if err := r.setup(); err != nil {
		return 0, "", err
	}
	steps := make([]step, len(cmds))
	for i, c := range cmds {
		steps[i] = r.step(c)
	}
	s, err := r.open()
	if err != nil {
		return -1, "", err
	}
	defer s.close()
	s.whole = true
	i, res, err := s.run(steps)
	if err != nil || i < 0 {
		return i, "", err
	}
	return i, fmt.Sprintf("%s\nphoton: %s\nredis:  %s\n%s", FormatCommand(cmds[i]), showValue(res.photon), showValue(res.redis),
		firstDifference(res.photon, res.redis)), nil
}

// replay runs steps on fresh connections to flushed servers.
func (r *Runner) replay(steps []step) (int, result, error) {
	s, err := r.open()
	if err != nil {
		return -1, result{}, err
	}
	defer s.close()
	return s.run(steps)
}

// finalCheck returns the commands that compare the datasets: in every
// database the generators use, the size, the keys, and each key's type,
// TTL, encoding and whole value by every family's inspector; in the
// others, that they are empty.
func (r *Runner) finalCheck() []step {
	var cmds [][]string
	for db := 0; db < 16; db++ {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(db)}, []string{"DBSIZE"})
		if db >= DBs {
			continue
		}
		cmds = append(cmds, []string{"KEYS", "*"})
		for _, k := range Keys {
			cmds = append(cmds, []string{"TYPE", k}, []string{"PTTL", k}, []string{"OBJECT", "ENCODING", k})
			for _, f := range families {
				if f.Inspect != nil {
					cmds = append(cmds, f.Inspect(k))
				}
			}
		}
	}
	cmds = append(cmds, []string{"SELECT", "0"})
	steps := make([]step, len(cmds))
	for i, c := range cmds {
		steps[i] = r.step(c)
	}
	return steps
}

// session is a connection to each server.
type session struct {
	photon, redis *client.Client
	tally         tally // when not nil, counts the commands that agreed
	// whole sends every batch as one pipeline, even the commands that
	// the known list isolates, as cases of known.txt need.
	whole bool
	// multi is whether the connections are between MULTI and EXEC, as
	// far as the commands sent tell: a probe sent then would be queued.
	multi bool
}

// tally counts commands by name: how many ran, and how many of those
// Redis answered with an error.
type tally map[string]*[2]int

func (t tally) add(args []string, redis resp.Value) {
	name := strings.ToUpper(args[0])
	if len(args) > 1 && containers[name] {
		name += " " + strings.ToUpper(args[1])
	}
	c := t[name]
	if c == nil {
		c = new([2]int)
		t[name] = c
	}
	c[0]++
	if redis.Kind == resp.Error {
		c[1]++
	}
}

// String lists the counts, most frequent first.
func (t tally) String() string {
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(t[b][0]-t[a][0], strings.Compare(a, b)) })
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%-22q %7d  %3d%% errors\n", n, t[n][0], 100*t[n][1]/t[n][0])
	}
	return b.String()
}

// open connects to both servers and resets them: FLUSHALL and each
// family's Reset commands.
func (r *Runner) open() (*session, error) {
	p, err := client.Dial(r.Photon)
	if err != nil {
		return nil, fmt.Errorf("connect to photon: %w", err)
	}
	rd, err := client.Dial(r.Redis)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("connect to redis: %w", err)
	}
	s := &session{photon: p, redis: rd}
	reset := [][]string{{"FLUSHALL"}}
	for _, f := range families {
		reset = append(reset, f.Reset...)
	}
	for _, c := range []*client.Client{p, rd} {
		for _, args := range reset {
			v, err := c.Do(args...)
			if err == nil && v.Kind == resp.Error {
				err = fmt.Errorf("%s: %s", FormatCommand(args), v.Str)
			}
			if err != nil {
				s.close()
				return nil, fmt.Errorf("reset %s: %w", c.Addr(), err)
			}
		}
	}
	return s, nil
}

func (s *session) close() {
	s.photon.Close()
	s.redis.Close()
}

// result holds the replies to one command.
type result struct {
	photon, redis, probe resp.Value
}

// run sends steps to both servers, pipelined (those the known list
// isolates each in a pipeline of its own), and returns the index of the
// first whose replies differ (-1 when none) with its replies.
func (s *session) run(steps []step) (int, result, error) {
	for start := 0; start < len(steps); {
		end := start + 1
		if s.whole {
			end = len(steps)
		} else if !knownIsolate(steps[start].args) {
			for end < len(steps) && !knownIsolate(steps[end].args) {
				end++
			}
		}
		i, res, err := s.pipeline(steps[start:end])
		if err != nil || i >= 0 {
			return start + i, res, err
		}
		start = end
	}
	return -1, result{}, nil
}

// pipeline sends steps to both servers in one pipeline and returns the
// index of the first whose replies differ (-1 when none).
func (s *session) pipeline(steps []step) (int, result, error) {
	pcmds := make([][]string, len(steps))
	var rcmds [][]string
	probed := make([]bool, len(steps))
	for i, st := range steps {
		pcmds[i] = st.args
		rcmds = append(rcmds, st.args)
		if st.probe != nil && !s.multi {
			rcmds = append(rcmds, st.probe)
			probed[i] = true
		}
		switch {
		case is(st.args, "MULTI") && len(st.args) == 1:
			s.multi = true
		case is(st.args, "EXEC") || is(st.args, "DISCARD") || is(st.args, "RESET"):
			s.multi = false
		}
	}
	var pv, rv []resp.Value
	var perr, rerr error
	var wg sync.WaitGroup
	wg.Go(func() { pv, perr = exchange(s.photon, pcmds) })
	rv, rerr = exchange(s.redis, rcmds)
	wg.Wait()
	if err := errors.Join(wrap("photon", perr), wrap("redis", rerr)); err != nil {
		return -1, result{}, err
	}
	j := 0
	for i, st := range steps {
		res := result{photon: pv[i], redis: rv[j]}
		j++
		if probed[i] {
			res.probe = rv[j]
			j++
		}
		if !st.rule.Same(res.photon, res.redis, res.probe) {
			return i, res, nil
		}
		if s.tally != nil {
			s.tally.add(st.args, res.redis)
		}
	}
	return -1, result{}, nil
}

func wrap(who string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", who, err)
}

// exchangeTimeout bounds one batch on one server.
const exchangeTimeout = time.Minute

// exchange pipelines cmds to c, writing from another goroutine so that
// neither side waits for the other's buffers, and reads every reply.
func exchange(c *client.Client, cmds [][]string) ([]resp.Value, error) {
	timer := time.AfterFunc(exchangeTimeout, func() { c.Close() })
	defer timer.Stop()
	werr := make(chan error, 1)
	go func() {
		for _, args := range cmds {
			bs := make([][]byte, len(args))
			for i, a := range args {
				bs[i] = []byte(a)
			}
			if err := c.Send(bs...); err != nil {
				werr <- err
				return
			}
		}
		werr <- c.Flush()
	}()
	out := make([]resp.Value, 0, len(cmds))
	for range cmds {
		v, err := c.Receive()
		if err != nil {
			c.Close() // unblocks the writer
			<-werr
			return nil, fmt.Errorf("reply %d of %d: %w", len(out)+1, len(cmds), err)
		}
		out = append(out, v)
	}
	if err := <-werr; err != nil {
		return nil, err
	}
	return out, nil
}
