package repl

import (
	"slices"
	"strings"
)

// A syntax is a command's argument syntax (engine.Command.Args, such as
// "key value [NX|XX] [EX seconds|PX milliseconds]") read into a tree, so
// that the REPL can tell, for the arguments typed so far, what may come
// next: the rest of the syntax as a hint, and the keywords, keys and
// configuration names that Tab completes.
//
// The usage lines are written for people and do not say how tightly "|"
// binds: "EX seconds|PX milliseconds" separates two sequences, while
// "SETINFO LIB-NAME|LIB-VER value" separates two keywords. parseSyntax
// reads a "|" between two keywords as separating just those keywords, and
// any other "|" as separating everything around it up to the brackets,
// which reads every line of the table as meant. A container command's
// subcommand names (CLIENT SETNAME, CLIENT GETNAME) always start an
// alternative of their own.

// nodeKind is what a syntax node stands for.
type nodeKind uint8

const (
	nodeWord nodeKind = iota + 1 // a keyword to type as it is: NX, WITHSCORES
	nodeArg                      // a placeholder for any one argument: key, seconds
	nodeSeq                      // its kids one after another
	nodeAlt                      // one of its kids
	nodeOpt                      // its only kid or nothing; with repeat, any number of times
)

// node is one piece of a syntax tree.
type node struct {
	kind   nodeKind
	text   string  // the keyword in upper case, or the placeholder's name
	kids   []*node // seq and alt: the parts; opt: the one optional part
	repeat bool    // opt: the part may repeat ("[key ...]")
}

// keyArgs are the placeholder names that stand for key names, for
// commands whose key positions the table does not give (numkeys...).
var keyArgs = []string{"key", "key1", "key2", "newkey", "destination", "destkey", "source", "src", "dst"}

// parseSyntax reads a usage line. subcommands are the names that start
// an alternative of their own at the top level. A malformed line (an
// unbalanced bracket) still gives a tree: missing brackets are taken as
// closed at the end, and stray ones are ignored.
func parseSyntax(args string, subcommands []string) *node {
	p := &syntaxParser{toks: tokenizeSyntax(args), subs: subcommands}
	return p.group(0)
}

// tokenizeSyntax splits a usage line into words, "[", "]", "|" and "...".
func tokenizeSyntax(s string) []string {
	var toks []string
	word := func(w string) {
		if w != "" {
			toks = append(toks, w)
		}
	}
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '[' || c == ']' || c == '|' || c == ' ':
			word(s[start:i])
			if c != ' ' {
				toks = append(toks, string(c))
			}
			start = i + 1
		case strings.HasPrefix(s[i:], "..."):
			word(s[start:i])
			toks = append(toks, "...")
			i += 2
			start = i + 1
		}
	}
	word(s[start:])
	return toks
}

// syntaxParser reads the tokens of one usage line.
type syntaxParser struct {
	toks []string
	pos  int
	subs []string
}

// element is a parsed item of a group, with the "|" that preceded it.
type element struct {
	n     *node
	alt   bool // a "|" came before it
	tight bool // that "|" separates only keywords
}

// group reads items up to the "]" that closes the group (or the end) and
// returns them as one node. depth is 0 at the top level.
func (p *syntaxParser) group(depth int) *node {
	var elems []element
	pendingAlt := false
	for p.pos < len(p.toks) {
		tok := p.toks[p.pos]
		p.pos++
		switch tok {
		case "]":
			if depth > 0 {
				return p.build(elems, depth)
			}
		case "|":
			pendingAlt = true
		case "...":
			// "[x ...]" makes the whole group repeat (see build); a
			// "x ..." elsewhere is x, then any number of x.
			if depth > 0 && p.pos < len(p.toks) && p.toks[p.pos] == "]" {
				continue
			}
			if len(elems) > 0 {
				last := &elems[len(elems)-1]
				last.n = &node{kind: nodeSeq, kids: []*node{last.n, {kind: nodeOpt, kids: []*node{last.n}, repeat: true}}}
			}
		case "[":
			inner := p.group(depth + 1)
			elems = append(elems, element{n: inner, alt: pendingAlt})
			pendingAlt = false
		default:
			n := &node{kind: nodeArg, text: tok}
			if isKeyword(tok) {
				n = &node{kind: nodeWord, text: strings.ToUpper(tok)}
			}
			e := element{n: n, alt: pendingAlt}
			if pendingAlt && len(elems) > 0 && elems[len(elems)-1].n.kind == nodeWord && n.kind == nodeWord &&
				!(depth == 0 && slices.ContainsFunc(p.subs, func(s string) bool { return strings.EqualFold(s, tok) })) {
				e.tight = true
			}
			elems = append(elems, e)
			pendingAlt = false
		}
	}
	return p.build(elems, depth)
}

// build turns the elements of a group into a node: an optional one
// inside brackets (repeating when the group ended in "..."), else the
// sequence or alternatives themselves.
func (p *syntaxParser) build(elems []element, depth int) *node {
	repeat := false
	if depth > 0 && p.pos >= 2 && p.toks[p.pos-2] == "..." && p.toks[p.pos-1] == "]" {
		repeat = true
	}
	// Tight alternatives first: NX|XX becomes one element.
	var merged []element
	for _, e := range elems {
		if e.tight {
			// The element before is a keyword, or a choice of
			// keywords made here: only keywords bind tightly.
			prev := &merged[len(merged)-1]
			if prev.n.kind != nodeAlt {
				prev.n = &node{kind: nodeAlt, kids: []*node{prev.n}}
			}
			prev.n.kids = append(prev.n.kids, e.n)
			continue
		}
		merged = append(merged, e)
	}
	// Then the loose ones split the group into sequences.
	var alts [][]*node
	for i, e := range merged {
		if i == 0 || e.alt {
			alts = append(alts, nil)
		}
		alts[len(alts)-1] = append(alts[len(alts)-1], e.n)
	}
	var body *node
	switch len(alts) {
	case 0:
		body = &node{kind: nodeSeq}
	case 1:
		body = seqOf(alts[0])
	default:
		body = &node{kind: nodeAlt}
		for _, a := range alts {
			body.kids = append(body.kids, seqOf(a))
		}
	}
	if depth == 0 {
		return body
	}
	return &node{kind: nodeOpt, kids: []*node{body}, repeat: repeat}
}

// seqOf returns the one node of ns, or a sequence of them.
func seqOf(ns []*node) *node {
	if len(ns) == 1 {
		return ns[0]
	}
	return &node{kind: nodeSeq, kids: ns}
}

// isKeyword reports whether a word of a usage line is a keyword to type
// as it is (upper case, such as NX or LIB-NAME) rather than a placeholder
// (lower case, such as key or unix-time-seconds).
func isKeyword(w string) bool {
	letter := false
	for _, c := range w {
		switch {
		case c >= 'a' && c <= 'z':
			return false
		case c >= 'A' && c <= 'Z':
			letter = true
		}
	}
	return letter
}

// render writes n as a usage line writes it. At the top of a hint, a
// required choice between long alternatives (a container command's
// subcommands) shows only their first words, which is what can be typed
// next.
func (n *node) render(b *strings.Builder, top bool) {
	switch n.kind {
	case nodeWord, nodeArg:
		b.WriteString(n.text)
	case nodeSeq:
		for i, k := range n.kids {
			if i > 0 {
				b.WriteByte(' ')
			}
			k.render(b, top && i == 0)
		}
	case nodeAlt:
		heads := top && slices.ContainsFunc(n.kids, func(k *node) bool { return k.kind == nodeSeq })
		for i, k := range n.kids {
			if i > 0 {
				b.WriteByte('|')
			}
			if heads && k.kind == nodeSeq && len(k.kids) > 0 {
				k = k.kids[0]
			}
			k.render(b, false)
		}
	case nodeOpt:
		b.WriteByte('[')
		n.kids[0].render(b, false)
		if n.repeat {
			b.WriteString(" ...")
		}
		b.WriteByte(']')
	}
}

// cont is what remains to be matched of a syntax: a node, then the rest.
// Conts are shared between the states that branch from one another, and
// never changed once made.
type cont struct {
	n    *node
	next *cont
}

// matchState is one way of reading the arguments typed so far: what may
// still follow, and how many keywords the reading matched (a reading that
// takes "NX" for the keyword is better than one that takes it for a
// score).
type matchState struct {
	rest     *cont
	keywords int
}

// maxStates bounds the readings followed at once; usage lines are short
// and few readings survive each argument, so this is only a guard.
const maxStates = 64

// matcher follows the readings of the arguments of one command.
type matcher struct {
	states []matchState
}

// newMatcher starts matching arguments against the syntax n.
func newMatcher(n *node) *matcher {
	return &matcher{states: []matchState{{rest: &cont{n: n}}}}
}

// heads returns the states whose first node is a word or placeholder, or
// that are at the end, expanding sequences, choices and options. Options
// are taken before they are skipped, so the first state of equal score is
// the one that reads the most into the line.
func (m *matcher) heads() []matchState {
	var out []matchState
	var expand func(c *cont, kw, depth int)
	expand = func(c *cont, kw, depth int) {
		if depth > 64 || len(out) >= 4*maxStates {
			return
		}
		if c == nil {
			out = append(out, matchState{nil, kw})
			return
		}
		switch c.n.kind {
		case nodeWord, nodeArg:
			out = append(out, matchState{c, kw})
		case nodeSeq:
			rest := c.next
			for i := len(c.n.kids) - 1; i >= 0; i-- {
				rest = &cont{c.n.kids[i], rest}
			}
			expand(rest, kw, depth+1)
		case nodeAlt:
			for _, k := range c.n.kids {
				expand(&cont{k, c.next}, kw, depth+1)
			}
		case nodeOpt:
			after := c.next
			if c.n.repeat {
				after = c
			}
			expand(&cont{c.n.kids[0], after}, kw, depth+1)
			expand(c.next, kw, depth+1)
		}
	}
	for _, st := range m.states {
		expand(st.rest, st.keywords, 0)
	}
	return out
}

// feed matches one more argument. It reports whether any reading
// survives.
func (m *matcher) feed(arg string) bool {
	var next []matchState
	seen := map[*cont]int{} // index in next of the reading with that rest
	for _, st := range m.heads() {
		if st.rest == nil {
			continue
		}
		n := st.rest.n
		kw := st.keywords
		switch {
		case n.kind == nodeWord && strings.EqualFold(n.text, arg):
			kw++
		case n.kind == nodeArg:
		default:
			continue
		}
		if i, ok := seen[st.rest.next]; ok {
			next[i].keywords = max(next[i].keywords, kw)
			continue
		}
		seen[st.rest.next] = len(next)
		next = append(next, matchState{st.rest.next, kw})
	}
	slices.SortStableFunc(next, func(a, b matchState) int { return b.keywords - a.keywords })
	if len(next) > maxStates {
		next = next[:maxStates]
	}
	m.states = next
	return len(next) > 0
}

// rest renders what remains of the best reading, or "" when the best
// reading is complete or none survives.
func (m *matcher) rest() string {
	if len(m.states) == 0 {
		return ""
	}
	var b strings.Builder
	for c, first := m.states[0].rest, true; c != nil; c, first = c.next, false {
		if !first {
			b.WriteByte(' ')
		}
		c.n.render(&b, first)
	}
	return b.String()
}

// next returns what the next argument may be: the keywords, in the
// order of the syntax without duplicates, and the placeholders' names.
func (m *matcher) next() (words, args []string) {
	for _, st := range m.heads() {
		if st.rest == nil {
			continue
		}
		n := st.rest.n
		switch {
		case n.kind == nodeWord && !slices.Contains(words, n.text):
			words = append(words, n.text)
		case n.kind == nodeArg && !slices.Contains(args, n.text):
			args = append(args, n.text)
		}
	}
	return words, args
}
