package engine

import "strings"

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

// argDocs renders a usage line's arguments as COMMAND DOCS does.
func argDocs(usage string) []Reply {
	var out []Reply
	for _, a := range ParseArgs(usage) {
		out = append(out, argDoc(a))
	}
	return out
}

func argDoc(a Arg) Reply {
	m := Map{[]byte("name"), []byte(a.Name), []byte("type"), []byte(a.Type)}
	if a.Token != "" {
		m = append(m, []byte("token"), []byte(a.Token))
	}
	var flags []Reply
	if a.Optional {
		flags = append(flags, Status("optional"))
	}
	if a.Multiple {
		flags = append(flags, Status("multiple"))
	}
	if flags != nil {
		m = append(m, []byte("flags"), flags)
	}
	if len(a.Args) > 0 {
		var sub []Reply
		for _, s := range a.Args {
			sub = append(sub, argDoc(s))
		}
		m = append(m, []byte("arguments"), sub)
	}
	return m
}
