package engine_test

import (
	"testing"
)

// Ensure that the hash commands answer as Redis 7.0 does, errors and edge
// cases included; each case starts from an empty database.
func TestHashCommands(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"hsetnx hstrlen", []step{
			{"HSETNX h f v", "1"},
			{"HSETNX h f w", "0"},
			{"HGET h f", `"v"`},
			{"HSETNX h g 12345", "1"},
			{"HSTRLEN h g", "5"},
			{"HSTRLEN h nope", "0"},
			{"HSTRLEN nokey f", "0"},
			{"SET s v", "OK"},
			{"HSETNX s f v", wrongType},
			{"HSTRLEN s f", wrongType},
		}},
		{"hincrby", []step{
			{"HINCRBY h n 5", "5"},
			{"HINCRBY h n -7", "-2"},
			{"HINCRBY h n x", "ERR value is not an integer or out of range"},
			{"HINCRBY nokey f x", "ERR value is not an integer or out of range"},
			{"HINCRBY nk f 0", "0"},
			{"EXISTS nk", "1"},
			{"HINCRBY h max 9223372036854775807", "9223372036854775807"},
			{"HINCRBY h max 1", "ERR increment or decrement would overflow"},
			{"HSET h min -9223372036854775808", "1"},
			{"HINCRBY h min -1", "ERR increment or decrement would overflow"},
			{"HINCRBY h min 9223372036854775807", "-1"},
			{"HSET h z 007", "1"},
			{"HINCRBY h z 1", "ERR hash value is not an integer"},
			{"HSET h f 1.0", "1"},
			{"HINCRBY h f 1", "ERR hash value is not an integer"},
			{"SET s v", "OK"},
			{"HINCRBY s f x", "ERR value is not an integer or out of range"},
			{"HINCRBY s f 1", wrongType},
		}},
		{"hincrbyfloat", []step{
			{"HINCRBYFLOAT h a 10.5", `"10.5"`},
			{"HINCRBYFLOAT h a 0.1", `"10.6"`},
			{"HINCRBYFLOAT h b 5.0e3", `"5000"`},
			{"HINCRBYFLOAT h c 0.1", `"0.1"`},
			{"HINCRBYFLOAT h c 0.2", `"0.3"`},
			{"HINCRBYFLOAT h d -0.0", `"0"`},
			{"HINCRBYFLOAT h e 1.23456789012345678901234", `"1.23456789012345679"`},
			{"HINCRBYFLOAT h f 18446744073709551615", `"18446744073709551615"`},
			{"HINCRBYFLOAT h f 0.5", `"18446744073709551616"`},
			{"HINCRBYFLOAT h g 0x10", `"16"`},
			{"HINCRBYFLOAT h g -0x1.8p1", `"13"`},
			{"HINCRBYFLOAT h k 1e-4940", `"0"`},
			{"HINCRBYFLOAT h k 1e-5000", "ERR value is not a valid float"},
			{"HINCRBYFLOAT h u inf", "ERR value is NaN or Infinity"},
			{"HINCRBYFLOAT h u -Infinity", "ERR value is NaN or Infinity"},
			{"HINCRBYFLOAT h u nan", "ERR value is not a valid float"},
			{"HINCRBYFLOAT h u 1e", "ERR value is not a valid float"},
			{"HINCRBYFLOAT h u 0x", "ERR value is not a valid float"},
			{"HINCRBYFLOAT h u 1e5000", "ERR value is not a valid float"},
			{"HSET h inf inf", "1"},
			{"HINCRBYFLOAT h inf 1", "ERR increment would produce NaN or Infinity"},
			{"HSET h str abc", "1"},
			{"HINCRBYFLOAT h str 1", "ERR hash value is not a float"},
			{"HINCRBYFLOAT h str x", "ERR value is not a valid float"},
			{"HINCRBYFLOAT nokey f x", "ERR value is not a valid float"},
			{"EXISTS nokey", "0"},
			{"SET s v", "OK"},
			{"HINCRBYFLOAT s f 1", wrongType},
		}},
		{"hrandfield", []step{
			{"HRANDFIELD nokey", "(nil)"},
			{"HRANDFIELD nokey 3", "[]"},
			{"HRANDFIELD nokey x", "ERR value is not an integer or out of range"},
			{"HRANDFIELD nokey 5 WITHVALUES extra", "ERR syntax error"},
			{"SET s v", "OK"},
			{"HRANDFIELD s", wrongType},
			{"HRANDFIELD s x", "ERR value is not an integer or out of range"},
			{"HSET one f v", "1"},
			{"HRANDFIELD one", `"f"`},
			{"HRANDFIELD one -3", `["f" "f" "f"]`},
			{"HRANDFIELD one -2 WITHVALUES", `["f" "v" "f" "v"]`},
			{"HSET h a 1 b 2 c 3", "3"},
			{"HRANDFIELD h 3 WITHVALUES", `["a" "1" "b" "2" "c" "3"]`},
			{"HRANDFIELD h 100", `["a" "b" "c"]`},
			{"HRANDFIELD h 0", "[]"},
			{"HRANDFIELD h 1 foo", "ERR syntax error"},
			{"HRANDFIELD h -9223372036854775808", "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"},
			{"HRANDFIELD h -4611686018427387904 WITHVALUES", "ERR value is out of range"},
			{"HRANDFIELD h 4611686018427387904 WITHVALUES", "ERR value is out of range"},
			{"HRANDFIELD h -4611686018427387903 WITHVALUES", "ERR value is out of range"},
		}},
		{"hscan", []step{
			{"HSCAN nokey x", "ERR invalid cursor"},
			{"HSCAN nokey 0 COUNT 0", `["0" []]`},
			{"SET s v", "OK"},
			{"HSCAN s x", "ERR invalid cursor"},
			{"HSCAN s 0 COUNT 0", wrongType},
			{"HSET h a 1 b 2 ab 3", "3"},
			{"HSCAN h 0", `["0" ["a" "1" "b" "2" "ab" "3"]]`},
			{"HSCAN h 0 MATCH a* COUNT 1", `["0" ["a" "1" "ab" "3"]]`},
			{"HSCAN h 0 MATCH a* MATCH b*", `["0" ["b" "2"]]`},
			{"HSCAN h 18446744073709551615", `["0" ["a" "1" "b" "2" "ab" "3"]]`},
			{"HSCAN h -1 MATCH nomatch", `["0" []]`},
			{"HSCAN h 18446744073709551616", "ERR invalid cursor"},
			{"HSCAN h 0x1", "ERR invalid cursor"},
			{"HSCAN h 0 COUNT 0", "ERR syntax error"},
			{"HSCAN h 0 COUNT x", "ERR value is not an integer or out of range"},
			{"HSCAN h 0 MATCH", "ERR syntax error"},
			{"HSCAN h 0 NOVALUES", "ERR syntax error"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			steps(t, e, s, c.steps)
		})
	}
}
