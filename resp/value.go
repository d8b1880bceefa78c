package resp

import "strconv"

// Kind tells which RESP type a Value holds.
type Kind uint8

// The RESP2 and RESP3 types a Value can hold.
const (
	SimpleString Kind = iota + 1 // +OK
	Error                        // -ERR message
	Integer                      // :42
	BulkString                   // $5 hello
	Array                        // *2 ...
	Null                         // $-1, *-1 (RESP2) or _ (RESP3)
	Double                       // ,3.14 (RESP3)
	Boolean                      // #t (RESP3)
	BigNumber                    // (12345... (RESP3)
	Verbatim                     // =txt:... (RESP3)
	Map                          // %2 ... (RESP3)
	Set                          // ~2 ... (RESP3)
	Push                         // >3 ... (RESP3)
)

// Value is one reply read from the wire.
type Value struct {
	Kind  Kind
	Str   []byte  // SimpleString, Error, BulkString, BigNumber, Verbatim (without the "txt:" prefix), Double (as sent)
	Int   int64   // Integer; Boolean is 1 for true and 0 for false
	Float float64 // Double
	Elems []Value // Array, Set, Push; Map holds key, value, key, value...
	Fmt   string  // Verbatim format, such as "txt" or "mkd"
}

// String returns v in a compact form for logs and test failures, such as
// +OK, -ERR x, :42, "bulk", nil, ,3.14, #t, (123, =txt:"text", [a b],
// ~[a b], >[a b] or %{k: v}. It is not a reply format: render replies for
// people from the fields.
func (v Value) String() string {
	return string(v.appendTo(nil))
}

func (v Value) appendTo(b []byte) []byte {
	switch v.Kind {
	case SimpleString:
		return append(append(b, '+'), v.Str...)
	case Error:
		return append(append(b, '-'), v.Str...)
	case Integer:
		return strconv.AppendInt(append(b, ':'), v.Int, 10)
	case BulkString:
		return strconv.AppendQuote(b, string(v.Str))
	case Null:
		return append(b, "nil"...)
	case Double:
		return AppendDouble(append(b, ','), v.Float)
	case Boolean:
		if v.Int != 0 {
			return append(b, "#t"...)
		}
		return append(b, "#f"...)
	case BigNumber:
		return append(append(b, '('), v.Str...)
	case Verbatim:
		b = append(append(append(b, '='), v.Fmt...), ':')
		return strconv.AppendQuote(b, string(v.Str))
	case Array, Set, Push:
		switch v.Kind {
		case Set:
			b = append(b, '~')
		case Push:
			b = append(b, '>')
		}
		b = append(b, '[')
		for i, e := range v.Elems {
			if i > 0 {
				b = append(b, ' ')
			}
			b = e.appendTo(b)
		}
		return append(b, ']')
	case Map:
		b = append(b, "%{"...)
		for i, e := range v.Elems {
			switch {
			case i == 0:
			case i%2 == 1:
				b = append(b, ": "...)
			default:
				b = append(b, ", "...)
			}
			b = e.appendTo(b)
		}
		return append(b, '}')
	}
	return append(strconv.AppendInt(append(b, "<invalid kind "...), int64(v.Kind), 10), '>')
}
