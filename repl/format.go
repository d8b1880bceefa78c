package repl

import (
	"math"
	"strconv"
	"strings"

	"github.com/photondb/photon/resp"
)

// Mode is how replies are printed, as redis-cli's output options choose.
type Mode int

// The output modes.
const (
	Standard   Mode = iota // --no-raw, and a terminal: quoted strings, labels, numbered aggregates
	Raw                    // --raw, and redis-cli's default when stdout is not a terminal
	CSV                    // --csv: one line of comma-separated values per reply
	JSON                   // --json: one JSON value per reply
	QuotedJSON             // --quoted-json: JSON with ASCII-safe, escaped strings
)

// String returns the command line option that selects m.
func (m Mode) String() string {
	switch m {
	case Standard:
		return "--no-raw"
	case Raw:
		return "--raw"
	case CSV:
		return "--csv"
	case JSON:
		return "--json"
	case QuotedJSON:
		return "--quoted-json"
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// Format renders a reply as redis-cli 7 prints it, including the final
// newline.
//
// In standard mode (raw false; redis-cli in a terminal or with --no-raw)
// bulk strings are quoted and escaped, other kinds are labelled
// ("(integer) 2", "(nil)", "(error) ERR ..."), and aggregates are numbered
// and indented: "1) ..." for arrays and pushes, "1~ ..." for sets, and
// "1# key => value" for maps.
//
// In raw mode (--raw, and redis-cli's default when stdout is not a
// terminal) strings are written as they are, integers as plain numbers,
// nil as an empty line, the elements of aggregates one per line, map
// entries as "key value", and an error as its text followed by an empty
// line.
func Format(v resp.Value, raw bool) string {
	if raw {
		return formatter{}.format(v, Raw)
	}
	return formatter{}.format(v, Standard)
}

// formatter renders replies; a non-nil pal colours the standard mode.
type formatter struct {
	pal *palette
}

// format renders v in mode m with the final newline.
func (f formatter) format(v resp.Value, m Mode) string {
	var b strings.Builder
	switch m {
	case Raw:
		formatRaw(&b, v)
		b.WriteByte('\n')
	case CSV:
		formatCSV(&b, v)
		b.WriteByte('\n')
	case JSON, QuotedJSON:
		formatJSON(&b, v, m == QuotedJSON)
		b.WriteByte('\n')
	default:
		return f.tty(v, "")
	}
	return b.String()
}

// reply renders the reply to the command args: as format does, except
// for the replies redis-cli prints as they are in every mode (INFO,
// CLIENT LIST...: see rawReply), which get no newline of their own, since
// their text ends with one.
func (f formatter) reply(args []string, v resp.Value, m Mode) string {
	if rawReply(args) {
		var b strings.Builder
		formatRaw(&b, v)
		return b.String()
	}
	return f.format(v, m)
}

// tty renders v in standard mode; prefix is the indentation of nested
// lines. It mirrors cliFormatReplyTTY in redis-cli.c, whose output always
// ends in a newline.
func (f formatter) tty(v resp.Value, prefix string) string {
	switch v.Kind {
	case resp.Error:
		return f.pal.paint(roleError, "(error) "+string(v.Str)) + "\n"
	case resp.SimpleString:
		return f.pal.paint(roleStatus, string(v.Str)) + "\n"
	case resp.Integer:
		return f.pal.paint(roleNumber, "(integer) "+strconv.FormatInt(v.Int, 10)) + "\n"
	case resp.Double:
		return f.pal.paint(roleNumber, "(double) "+doubleText(v)) + "\n"
	case resp.BigNumber:
		return f.pal.paint(roleNumber, "(big number) "+string(v.Str)) + "\n"
	case resp.BulkString:
		return f.pal.paint(roleString, quote(v.Str)) + "\n"
	case resp.Verbatim:
		return string(v.Str) + "\n"
	case resp.Null:
		return f.pal.paint(roleNil, "(nil)") + "\n"
	case resp.Boolean:
		if v.Int != 0 {
			return f.pal.paint(roleBool, "(true)") + "\n"
		}
		return f.pal.paint(roleBool, "(false)") + "\n"
	case resp.Array, resp.Set, resp.Map, resp.Push:
		return f.aggregate(v, prefix)
	}
	return f.pal.paint(roleError, "(unknown reply type "+strconv.Itoa(int(v.Kind))+")") + "\n"
}

// aggregate renders an array, set, map or push in standard mode.
func (f formatter) aggregate(v resp.Value, prefix string) string {
	elems := v.Elems
	n := len(elems)
	if v.Kind == resp.Map {
		n /= 2
		elems = elems[:2*n]
	}
	if n == 0 {
		empty := map[resp.Kind]string{
			resp.Array: "(empty array)", resp.Map: "(empty hash)",
			resp.Set: "(empty set)", resp.Push: "(empty push)",
		}[v.Kind]
		return f.pal.paint(roleNil, empty) + "\n"
	}
	width := len(strconv.Itoa(n))
	inner := prefix + strings.Repeat(" ", width+2)
	sep := ")"
	switch v.Kind {
	case resp.Set:
		sep = "~"
	case resp.Map:
		sep = "#"
	}
	var b strings.Builder
	for i := 0; i < len(elems); i++ {
		human := i + 1
		if v.Kind == resp.Map {
			human = i/2 + 1
		}
		if i > 0 {
			b.WriteString(prefix) // the first line follows the parent's index
		}
		idx := strconv.Itoa(human)
		b.WriteString(strings.Repeat(" ", width-len(idx)))
		b.WriteString(f.pal.paint(roleIndex, idx+sep))
		b.WriteByte(' ')
		b.WriteString(f.tty(elems[i], inner))
		if v.Kind == resp.Map {
			i++
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-1]) // drop the key's newline
			b.WriteString(" => ")
			if multiline(elems[i]) {
				b.WriteByte('\n')
				b.WriteString(inner)
			}
			b.WriteString(f.tty(elems[i], inner))
		}
	}
	return b.String()
}

// multiline reports whether tty renders v on more than one line
// (cliIsMultilineValueTTY).
func multiline(v resp.Value) bool {
	switch v.Kind {
	case resp.Array, resp.Set, resp.Push:
		switch len(v.Elems) {
		case 0:
			return false
		case 1:
			return multiline(v.Elems[0])
		}
		return true
	case resp.Map:
		switch {
		case len(v.Elems) < 2:
			return false
		case len(v.Elems) == 2:
			return multiline(v.Elems[1])
		}
		return true
	}
	return false
}

// formatRaw renders v in raw mode, without the final newline
// (cliFormatReplyRaw).
func formatRaw(b *strings.Builder, v resp.Value) {
	switch v.Kind {
	case resp.Null:
	case resp.Error:
		b.Write(v.Str)
		b.WriteByte('\n')
	case resp.SimpleString, resp.BulkString, resp.Verbatim, resp.BigNumber:
		b.Write(v.Str)
	case resp.Boolean:
		if v.Int != 0 {
			b.WriteString("(true)")
		} else {
			b.WriteString("(false)")
		}
	case resp.Integer:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case resp.Double:
		b.WriteString(doubleText(v))
	case resp.Array, resp.Set, resp.Push:
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte('\n')
			}
			formatRaw(b, e)
		}
	case resp.Map:
		for i := 0; i+1 < len(v.Elems); i += 2 {
			if i > 0 {
				b.WriteByte('\n')
			}
			formatRaw(b, v.Elems[i])
			b.WriteByte(' ')
			formatRaw(b, v.Elems[i+1])
		}
	default:
		b.WriteString("(unknown reply type " + strconv.Itoa(int(v.Kind)) + ")")
	}
}

// doubleText returns a double as the server sent it, or, for a Value
// built without its text, as Redis would send it.
func doubleText(v resp.Value) string {
	if len(v.Str) > 0 {
		return string(v.Str)
	}
	switch {
	case math.IsInf(v.Float, 1):
		return "inf"
	case math.IsInf(v.Float, -1):
		return "-inf"
	case math.IsNaN(v.Float):
		return "nan"
	}
	return strconv.FormatFloat(v.Float, 'g', -1, 64)
}

// quote returns s in double quotes with redis-cli's escapes (sdscatrepr):
// \n \r \t \a \b \" \\, and \xHH for other bytes that are not printable
// ASCII.
func quote(s []byte) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, c := range s {
		switch c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c >= 0x20 && c <= 0x7e {
				b.WriteByte(c)
			} else {
				b.WriteString(`\x`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// formatCSV renders v as redis-cli --csv does (cliFormatReplyCSV), without
// the final newline: strings quoted as in standard mode, errors after
// "ERROR,", nil as NULL, and the elements of aggregates (map keys and
// values alike) separated by commas, however deep.
func formatCSV(b *strings.Builder, v resp.Value) {
	switch v.Kind {
	case resp.Error:
		b.WriteString("ERROR,")
		b.WriteString(quote(v.Str))
	case resp.SimpleString, resp.BulkString, resp.Verbatim:
		b.WriteString(quote(v.Str))
	case resp.Integer:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case resp.Double:
		b.WriteString(doubleText(v))
	case resp.BigNumber:
		b.Write(v.Str)
	case resp.Null:
		b.WriteString("NULL")
	case resp.Boolean:
		b.WriteString(strconv.FormatBool(v.Int != 0))
	case resp.Array, resp.Set, resp.Push, resp.Map:
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			formatCSV(b, e)
		}
	default:
		b.WriteString("(unknown reply type " + strconv.Itoa(int(v.Kind)) + ")")
	}
}

// formatJSON renders v as redis-cli --json (or, with quoted set,
// --quoted-json) does (cliFormatReplyJson), without the final newline.
// Arrays, sets and pushes are JSON arrays and maps JSON objects, whose
// keys that are not strings are written as strings; an error is written
// as error:"text", which is not JSON but is what redis-cli prints.
func formatJSON(b *strings.Builder, v resp.Value, quoted bool) {
	switch v.Kind {
	case resp.Error:
		b.WriteString("error:")
		jsonString(b, v.Str, quoted)
	case resp.SimpleString, resp.BulkString, resp.Verbatim:
		jsonString(b, v.Str, quoted)
	case resp.Integer:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case resp.Double:
		b.WriteString(doubleText(v))
	case resp.BigNumber:
		b.Write(v.Str)
	case resp.Null:
		b.WriteString("null")
	case resp.Boolean:
		b.WriteString(strconv.FormatBool(v.Int != 0))
	case resp.Array, resp.Set, resp.Push:
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			formatJSON(b, e, quoted)
		}
		b.WriteByte(']')
	case resp.Map:
		b.WriteByte('{')
		for i := 0; i+1 < len(v.Elems); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			var key strings.Builder
			formatJSON(&key, v.Elems[i], quoted)
			if k := key.String(); strings.HasPrefix(k, `"`) {
				b.WriteString(k)
			} else {
				b.WriteString(`"` + k + `"`)
			}
			b.WriteByte(':')
			formatJSON(b, v.Elems[i+1], quoted)
		}
		b.WriteByte('}')
	default:
		b.WriteString("(unknown reply type " + strconv.Itoa(int(v.Kind)) + ")")
	}
}

// jsonString writes s as a JSON string. Plain, it escapes what JSON
// requires (quotes, backslashes and control characters) and leaves other
// bytes as they are, as redis-cli's escapeJsonString; quoted, it escapes
// as standard mode does and then doubles each backslash, so that the
// text is pure ASCII.
func jsonString(b *strings.Builder, s []byte, quoted bool) {
	if quoted {
		b.WriteString(strings.ReplaceAll(quote(s), `\`, `\\`))
		return
	}
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, c := range s {
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}
