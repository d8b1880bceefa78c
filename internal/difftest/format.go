package difftest

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/photondb/photon/resp"
)

// Quote returns arg as redis-cli and photon's shell read it back: bare
// when it is printable ASCII without spaces or quotes, else in double
// quotes with \" \\ \n \r \t and \xHH escapes.
func Quote(arg string) string {
	bare := arg != ""
	for i := 0; i < len(arg) && bare; i++ {
		c := arg[i]
		bare = c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\'
	}
	if bare {
		return arg
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(arg); i++ {
		switch c := arg[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FormatCommand returns args as one line of quoted arguments.
func FormatCommand(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// ParseCommand splits a line written by FormatCommand (or typed as for
// redis-cli) into arguments.
func ParseCommand(line string) ([]string, error) {
	bs, err := resp.SplitArgs([]byte(line))
	if err != nil {
		return nil, err
	}
	args := make([]string, len(bs))
	for i, b := range bs {
		args[i] = string(b)
	}
	return args, nil
}

// Case is a recorded difference: a sequence that, replayed on fresh
// servers, ends in a command whose replies differ.
type Case struct {
	ID       string // short name, as the known list refers to it
	Title    string // what differs
	Line     int    // where the case starts in its file
	Commands [][]string
}

// ParseCases reads cases in the format of testdata/difftest/known.txt:
// "## id: title" starts a case, each following non-blank line that does
// not start with '#' is a command, other '#' lines are comments.
func ParseCases(r io.Reader) ([]Case, error) {
	var cases []Case
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			id, title, _ := strings.Cut(line[3:], ":")
			cases = append(cases, Case{ID: strings.TrimSpace(id), Title: strings.TrimSpace(title), Line: n})
		case line == "" || strings.HasPrefix(line, "#"):
		case len(cases) == 0:
			return nil, fmt.Errorf("line %d: command before the first \"## id: title\" line", n)
		default:
			args, err := ParseCommand(line)
			if err != nil || len(args) == 0 {
				return nil, fmt.Errorf("line %d: cannot split %q: %v", n, line, err)
			}
			c := &cases[len(cases)-1]
			c.Commands = append(c.Commands, args)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, c := range cases {
		if len(c.Commands) == 0 {
			return nil, fmt.Errorf("line %d: case %s has no commands", c.Line, c.ID)
		}
	}
	return cases, nil
}

// showValue renders a reply for a report, cut to a readable length.
func showValue(v resp.Value) string {
	s := v.String()
	if len(s) > 400 {
		s = s[:400] + "... (" + strconv.Itoa(len(s)) + " bytes)"
	}
	return s
}

// firstDifference describes where two replies first differ, for replies
// too long to read whole: the path of indexes to the first element that
// differs, and that element of each.
func firstDifference(a, b resp.Value) string {
	path := ""
	for {
		if a.Kind != b.Kind || len(a.Elems) == 0 || len(b.Elems) == 0 {
			break
		}
		i := 0
		for i < len(a.Elems) && i < len(b.Elems) && Exact(a.Elems[i], b.Elems[i]) {
			i++
		}
		if i == len(a.Elems) || i == len(b.Elems) {
			return fmt.Sprintf("%s: photon has %d elements, redis %d", orTop(path), len(a.Elems), len(b.Elems))
		}
		path += "[" + strconv.Itoa(i) + "]"
		a, b = a.Elems[i], b.Elems[i]
	}
	return fmt.Sprintf("%s: photon %s, redis %s", orTop(path), showValue(a), showValue(b))
}

func orTop(path string) string {
	if path == "" {
		return "the reply"
	}
	return "element " + path
}
