package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/photondb/photon/resp"
)

// server is a redis-server cmdgen started.
type server struct {
	addr string
	cmd  *exec.Cmd
	dir  string
}

// startServer runs bin on a free loopback port, without persistence, in
// a temporary directory, and waits until it answers.
func startServer(bin string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir, err := os.MkdirTemp("", "cmdgen")
	if err != nil {
		return nil, err
	}
	s := &server{addr: "127.0.0.1:" + strconv.Itoa(port), dir: dir}
	s.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", filepath.Join(dir, "redis.log"))
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
			c.Close()
			return s, nil
		}
	}
	s.stop()
	return nil, fmt.Errorf("%s did not start on %s", bin, s.addr)
}

func (s *server) stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
	os.RemoveAll(s.dir)
}

// client talks RESP3 to a redis-server.
type client struct {
	c net.Conn
	r *resp.Reader
	w *resp.Writer
}

func dial(addr string) (*client, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(time.Minute))
	cl := &client{c: c, r: resp.NewReader(c), w: resp.NewWriter(c)}
	if _, err := cl.do("HELLO", "3"); err != nil {
		c.Close()
		return nil, err
	}
	return cl, nil
}

func (c *client) close() { c.c.Close() }

func (c *client) do(args ...string) (resp.Value, error) {
	c.w.WriteCommandStrings(args...)
	if err := c.w.Flush(); err != nil {
		return resp.Value{}, err
	}
	v, err := c.r.ReadValue()
	if err != nil {
		return v, fmt.Errorf("%s: %w", args, err)
	}
	if v.Kind == resp.Error {
		return v, fmt.Errorf("%s: %s", args, v.Str)
	}
	return v, nil
}

// version returns the server's redis_version.
func (c *client) version() (string, error) {
	v, err := c.do("INFO", "server")
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(v.Str))
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(bytes.TrimSpace(sc.Bytes()), []byte("redis_version:")); ok {
			return string(rest), nil
		}
	}
	return "", fmt.Errorf("INFO server has no redis_version")
}

// command is what COMMAND INFO and COMMAND DOCS say about one command or
// subcommand.
type command struct {
	name              string // "get", or "client|list" for a subcommand
	sub               bool
	arity             int64
	flags             []string
	first, last, step int64
	categories        []string
	tips              []string
	keySpecs          []keySpec

	summary, since, group, complexity string
	docFlags                          []string
	deprecatedSince, replacedBy       string
	history                           [][2]string
	args                              []arg
}

type keySpec struct {
	notes                   string
	flags                   []string
	begin                   string
	index                   int64
	keyword                 string
	startFrom               int64
	find                    string
	lastKey, keyStep, limit int64
	keyNumIdx, firstKey     int64
}

type arg struct {
	name, typ    string
	keySpecIndex int64
	token        string
	since        string
	deprecated   string
	flags        []string
	args         []arg
}

// commands reads COMMAND INFO and COMMAND DOCS, and returns every command
// and subcommand, sorted by name.
func (c *client) commands() ([]*command, error) {
	info, err := c.do("COMMAND", "INFO")
	if err != nil {
		return nil, err
	}
	docs, err := c.do("COMMAND", "DOCS")
	if err != nil {
		return nil, err
	}
	byName := map[string]*command{}
	var infoEntry func(v resp.Value, sub bool) error
	infoEntry = func(v resp.Value, sub bool) error {
		cmd, err := parseInfo(v)
		if err != nil {
			return err
		}
		cmd.sub = sub
		byName[cmd.name] = cmd
		for _, s := range v.Elems[9].Elems {
			if err := infoEntry(s, true); err != nil {
				return fmt.Errorf("%s: %w", cmd.name, err)
			}
		}
		return nil
	}
	for _, v := range info.Elems {
		if err := infoEntry(v, false); err != nil {
			return nil, err
		}
	}
	var docEntries func(m resp.Value) error
	docEntries = func(m resp.Value) error {
		if m.Kind != resp.Map {
			return fmt.Errorf("COMMAND DOCS: a map expected, got %s", m)
		}
		for i := 0; i < len(m.Elems); i += 2 {
			name := string(m.Elems[i].Str)
			cmd := byName[name]
			if cmd == nil {
				return fmt.Errorf("COMMAND DOCS has %s, COMMAND INFO does not", name)
			}
			subs, err := parseDocs(cmd, m.Elems[i+1])
			if err != nil {
				return fmt.Errorf("COMMAND DOCS %s: %w", name, err)
			}
			if subs.Kind != 0 {
				if err := docEntries(subs); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := docEntries(docs); err != nil {
		return nil, err
	}
	out := make([]*command, 0, len(byName))
	for _, cmd := range byName {
		if cmd.group == "" {
			return nil, fmt.Errorf("COMMAND DOCS has no entry for %s", cmd.name)
		}
		out = append(out, cmd)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// parseInfo reads one entry of COMMAND INFO.
func parseInfo(v resp.Value) (*command, error) {
	e := v.Elems
	if v.Kind != resp.Array || len(e) != 10 {
		return nil, fmt.Errorf("COMMAND INFO: a 10-element entry expected, got %s", v)
	}
	cmd := &command{
		name: string(e[0].Str), arity: e[1].Int, flags: strs(e[2]),
		first: e[3].Int, last: e[4].Int, step: e[5].Int,
		categories: strs(e[6]), tips: strs(e[7]),
	}
	for _, s := range e[8].Elems {
		ks, err := parseKeySpec(s)
		if err != nil {
			return nil, fmt.Errorf("%s: key spec: %w", cmd.name, err)
		}
		cmd.keySpecs = append(cmd.keySpecs, ks)
	}
	return cmd, nil
}

// fields returns a map's fields by name, refusing any not in known, so
// that a field this program does not know of is never silently dropped.
func fields(v resp.Value, known ...string) (map[string]resp.Value, error) {
	if v.Kind != resp.Map {
		return nil, fmt.Errorf("a map expected, got %s", v)
	}
	out := map[string]resp.Value{}
	for i := 0; i < len(v.Elems); i += 2 {
		k := string(v.Elems[i].Str)
		if !contains(known, k) {
			return nil, fmt.Errorf("unknown field %q in %s", k, v)
		}
		out[k] = v.Elems[i+1]
	}
	return out, nil
}

func parseKeySpec(v resp.Value) (keySpec, error) {
	f, err := fields(v, "notes", "flags", "begin_search", "find_keys")
	if err != nil {
		return keySpec{}, err
	}
	ks := keySpec{notes: string(f["notes"].Str), flags: strs(f["flags"])}
	bs, err := fields(f["begin_search"], "type", "spec")
	if err != nil {
		return ks, err
	}
	ks.begin = string(bs["type"].Str)
	spec, err := fields(bs["spec"], "index", "keyword", "startfrom")
	if err != nil {
		return ks, err
	}
	ks.index, ks.keyword, ks.startFrom = spec["index"].Int, string(spec["keyword"].Str), spec["startfrom"].Int
	fk, err := fields(f["find_keys"], "type", "spec")
	if err != nil {
		return ks, err
	}
	ks.find = string(fk["type"].Str)
	spec, err = fields(fk["spec"], "lastkey", "keystep", "limit", "keynumidx", "firstkey")
	if err != nil {
		return ks, err
	}
	ks.lastKey, ks.keyStep, ks.limit = spec["lastkey"].Int, spec["keystep"].Int, spec["limit"].Int
	ks.keyNumIdx, ks.firstKey = spec["keynumidx"].Int, spec["firstkey"].Int
	return ks, nil
}

// parseDocs reads one entry of COMMAND DOCS into cmd and returns its
// subcommands' entries (a zero Value when it has none).
func parseDocs(cmd *command, v resp.Value) (resp.Value, error) {
	f, err := fields(v, "summary", "since", "group", "complexity", "doc_flags", "deprecated_since",
		"replaced_by", "history", "arguments", "subcommands")
	if err != nil {
		return resp.Value{}, err
	}
	cmd.summary, cmd.since, cmd.group = string(f["summary"].Str), string(f["since"].Str), string(f["group"].Str)
	cmd.complexity, cmd.docFlags = string(f["complexity"].Str), strs(f["doc_flags"])
	cmd.deprecatedSince, cmd.replacedBy = string(f["deprecated_since"].Str), string(f["replaced_by"].Str)
	for _, h := range f["history"].Elems {
		if len(h.Elems) != 2 {
			return resp.Value{}, fmt.Errorf("history entry %s", h)
		}
		cmd.history = append(cmd.history, [2]string{string(h.Elems[0].Str), string(h.Elems[1].Str)})
	}
	if cmd.args, err = parseArgs(f["arguments"]); err != nil {
		return resp.Value{}, err
	}
	return f["subcommands"], nil
}

func parseArgs(v resp.Value) ([]arg, error) {
	var out []arg
	for _, e := range v.Elems {
		f, err := fields(e, "name", "type", "key_spec_index", "token", "since", "deprecated_since", "flags", "arguments")
		if err != nil {
			return nil, err
		}
		a := arg{name: string(f["name"].Str), typ: string(f["type"].Str), keySpecIndex: -1,
			token: string(f["token"].Str), since: string(f["since"].Str), deprecated: string(f["deprecated_since"].Str),
			flags: strs(f["flags"])}
		if k, ok := f["key_spec_index"]; ok {
			a.keySpecIndex = k.Int
		}
		if a.args, err = parseArgs(f["arguments"]); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// strs returns the strings of an aggregate reply.
func strs(v resp.Value) []string {
	var out []string
	for _, e := range v.Elems {
		out = append(out, string(e.Str))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
