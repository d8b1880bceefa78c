package engine

import (
	"strings"
)

// Arg is one argument in a command's usage line, as COMMAND DOCS
// describes it and the shell's hints show it.
type Arg struct {
	Name     string // lower case; for a token, the token itself
	Type     string // key, string, integer, pattern, pure-token, oneof, block
	Token    string // a literal keyword that precedes or is the argument
	Optional bool
	Multiple bool
	Args     []Arg // the choices of a oneof, the parts of a block
}

// ParseArgs parses a usage line such as "key value [NX|XX] [EX seconds]"
// into arguments: [..] is optional, a|b is a choice, "x [x ...]" and
// "[x ...]" repeat, UPPER-CASE words are literal tokens.
func ParseArgs(usage string) []Arg {
	p := argParser{s: usage}
	return p.seq(0)
}

type argParser struct {
	s string
	i int
}

// seq parses arguments until the closing byte end (0 for the end of the line).
func (p *argParser) seq(end byte) []Arg {
	var out []Arg
	for {
		p.space()
		if p.i >= len(p.s) || p.s[p.i] == end || p.s[p.i] == '|' {
			return out
		}
		if strings.HasPrefix(p.s[p.i:], "...") {
			p.i += 3
			if len(out) > 0 {
				out[len(out)-1].Multiple = true
			}
			continue
		}
		a := p.one()
		// "key [key ...]": the optional repetition marks the first as multiple.
		if a.Optional && len(a.Args) == 1 && a.Args[0].Multiple && len(out) > 0 && out[len(out)-1].Name == a.Args[0].Name {
			out[len(out)-1].Multiple = true
			continue
		}
		if a.Optional && len(a.Args) == 1 && a.Type == "block" {
			inner := a.Args[0]
			inner.Optional = true
			a = inner
		}
		out = append(out, a)
	}
}

// one parses a word or a [bracketed group] of choices a|b.
func (p *argParser) one() Arg {
	if p.s[p.i] != '[' {
		return p.word()
	}
	p.i++
	parts := p.alts(']')
	if p.i < len(p.s) {
		p.i++ // ']'
	}
	if len(parts) > 1 {
		return Arg{Name: joinNames(parts), Type: "oneof", Args: parts, Optional: true}
	}
	return Arg{Name: blockName(parts), Type: "block", Args: parts, Optional: true}
}

// alts parses choices separated by '|' up to end; each choice is a
// sequence of words, made a block when it has several.
func (p *argParser) alts(end byte) []Arg {
	var choices []Arg
	for {
		seq := p.seq(end)
		switch len(seq) {
		case 0:
		case 1:
			choices = append(choices, seq[0])
		default:
			// "[field value ...]": the repetition is of the whole group.
			multiple := seq[len(seq)-1].Multiple
			seq[len(seq)-1].Multiple = false
			choices = append(choices, Arg{Name: blockName(seq), Type: "block", Args: seq, Multiple: multiple})
		}
		if p.i < len(p.s) && p.s[p.i] == '|' {
			p.i++
			continue
		}
		return choices
	}
}

func (p *argParser) word() Arg {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(" []|", rune(p.s[p.i])) {
		p.i++
	}
	w := p.s[start:p.i]
	if w == "" {
		p.i++ // skip a stray character so parsing always advances
		return Arg{}
	}
	if strings.ToUpper(w) == w && strings.ToLower(w) != w {
		return Arg{Name: strings.ToLower(w), Type: "pure-token", Token: w}
	}
	return Arg{Name: w, Type: argType(w)}
}

func (p *argParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// blockName names a block as Redis's docs do: "EX seconds" is seconds.
func blockName(parts []Arg) string {
	if len(parts) == 2 && parts[0].Type == "pure-token" {
		return parts[1].Name
	}
	return joinNames(parts)
}

func joinNames(parts []Arg) string {
	names := make([]string, 0, len(parts))
	for _, a := range parts {
		names = append(names, a.Name)
	}
	return strings.Join(names, "-")
}

func argType(w string) string {
	switch {
	case w == "key" || w == "newkey" || w == "destination" || w == "source":
		return "key"
	case w == "pattern":
		return "pattern"
	case strings.HasPrefix(w, "unix-time"):
		return "unix-time"
	case strings.Contains(w, "count") || strings.Contains(w, "index") || w == "start" || w == "stop" ||
		w == "seconds" || w == "milliseconds" || w == "increment" || w == "decrement" || w == "protover" || w == "timeout":
		return "integer"
	}
	return "string"
}

// commandInfo is a command's entry in COMMAND and COMMAND INFO, in Redis
// 7.0's ten-element shape, with its subcommands' entries nested.
func commandInfo(c *Command) Reply {
	subs := Reply(Set{})
	if c.Subcommands != nil {
		out := make([]Reply, len(c.Subcommands))
		for i, s := range c.Subcommands {
			out[i] = subcommandInfo(c, s)
		}
		subs = out
	}
	return infoEntry(strings.ToLower(c.Name), c.Arity, c.Keys, c.meta, subs)
}

// subcommandInfo is a subcommand's entry, named as "client|list".
func subcommandInfo(c *Command, s *Subcommand) Reply {
	return infoEntry(fullName(c, s), s.Arity, s.meta.keys, s.meta, Set{})
}

func infoEntry(name string, arity int, keys Keys, m *commandMeta, subs Reply) Reply {
	return []Reply{
		[]byte(name),
		int64(arity),
		statusSet(m.flags),
		int64(keys.First), int64(keys.Last), int64(keys.Step),
		statusSet(m.categories),
		bulkSet(m.tips),
		keySpecsReply(m.keySpecs),
		subs,
	}
}

// fullName is a subcommand's name as COMMAND shows it: "client|list".
func fullName(c *Command, s *Subcommand) string {
	return strings.ToLower(c.Name) + "|" + strings.ToLower(s.Name)
}

func statusSet(names []string) Set {
	out := make(Set, len(names))
	for i, n := range names {
		out[i] = Status(n)
	}
	return out
}

func bulkSet(strs []string) Set {
	out := make(Set, len(strs))
	for i, s := range strs {
		out[i] = []byte(s)
	}
	return out
}

// keySpecsReply renders key specs as COMMAND INFO does.
func keySpecsReply(specs []keySpec) Reply {
	out := make(Set, len(specs))
	for i, ks := range specs {
		var m Map
		if ks.notes != "" {
			m = append(m, []byte("notes"), []byte(ks.notes))
		}
		var begin, find Map
		switch ks.begin {
		case "index":
			begin = Map{[]byte("index"), int64(ks.index)}
		case "keyword":
			begin = Map{[]byte("keyword"), []byte(ks.keyword), []byte("startfrom"), int64(ks.startFrom)}
		default:
			begin = Map{}
		}
		switch ks.find {
		case "range":
			find = Map{[]byte("lastkey"), int64(ks.lastKey), []byte("keystep"), int64(ks.keyStep), []byte("limit"), int64(ks.limit)}
		case "keynum":
			find = Map{[]byte("keynumidx"), int64(ks.keyNumIdx), []byte("firstkey"), int64(ks.firstKey), []byte("keystep"), int64(ks.keyStep)}
		default:
			find = Map{}
		}
		out[i] = append(m,
			[]byte("flags"), statusSet(ks.flags),
			[]byte("begin_search"), Map{[]byte("type"), []byte(ks.begin), []byte("spec"), begin},
			[]byte("find_keys"), Map{[]byte("type"), []byte(ks.find), []byte("spec"), find},
		)
	}
	return out
}

// commandDoc is a command's entry in COMMAND DOCS, with its subcommands'
// entries nested.
func commandDoc(c *Command) Reply {
	doc := docEntry(c.Summary, c.Since, c.Group, c.meta)
	if c.Subcommands != nil {
		subs := make(Map, 0, 2*len(c.Subcommands))
		for _, s := range c.Subcommands {
			subs = append(subs, []byte(fullName(c, s)), subcommandDoc(c, s))
		}
		doc = append(doc, []byte("subcommands"), subs)
	}
	return doc
}

// subcommandDoc is a subcommand's entry in COMMAND DOCS.
func subcommandDoc(c *Command, s *Subcommand) Reply {
	return docEntry(s.meta.summary, s.meta.since, c.Group, s.meta)
}

func docEntry(summary, since, group string, m *commandMeta) Map {
	var doc Map
	if summary != "" {
		doc = append(doc, []byte("summary"), []byte(summary))
	}
	if since != "" {
		doc = append(doc, []byte("since"), []byte(since))
	}
	doc = append(doc, []byte("group"), []byte(groupName(group)))
	if m.complexity != "" {
		doc = append(doc, []byte("complexity"), []byte(m.complexity))
	}
	if len(m.docFlags) > 0 {
		doc = append(doc, []byte("doc_flags"), statusSet(m.docFlags))
	}
	if m.deprecatedSince != "" {
		doc = append(doc, []byte("deprecated_since"), []byte(m.deprecatedSince))
	}
	if m.replacedBy != "" {
		doc = append(doc, []byte("replaced_by"), []byte(m.replacedBy))
	}
	if len(m.history) > 0 {
		h := make(Set, len(m.history))
		for i, e := range m.history {
			h[i] = []Reply{[]byte(e[0]), []byte(e[1])}
		}
		doc = append(doc, []byte("history"), h)
	}
	if len(m.args) > 0 {
		doc = append(doc, []byte("arguments"), argsReply(m.args))
	}
	return doc
}

// argsReply renders arguments as COMMAND DOCS does.
func argsReply(args []argSpec) []Reply {
	out := make([]Reply, len(args))
	for i, a := range args {
		m := Map{[]byte("name"), []byte(a.name), []byte("type"), []byte(a.typ)}
		if a.keySpecIndex >= 0 {
			m = append(m, []byte("key_spec_index"), int64(a.keySpecIndex))
		}
		if a.token != "" {
			m = append(m, []byte("token"), []byte(a.token))
		}
		if a.since != "" {
			m = append(m, []byte("since"), []byte(a.since))
		}
		if a.deprecated != "" {
			m = append(m, []byte("deprecated_since"), []byte(a.deprecated))
		}
		if len(a.flags) > 0 {
			m = append(m, []byte("flags"), statusSet(a.flags))
		}
		if a.typ == "oneof" || a.typ == "block" {
			m = append(m, []byte("arguments"), argsReply(a.args))
		}
		out[i] = m
	}
	return out
}
