package repl

import (
	"slices"
	"strings"
)

// historyLimit caps the lines kept in the history file; older lines are
// dropped when a session starts with more.
const historyLimit = 1000

// secretConfig are the directives whose values are passwords.
var secretConfig = []string{"requirepass", "masterauth", "masteruser"}

// secret reports whether a line carries a password, and so must not be
// written to the history: AUTH, HELLO ... AUTH, CONFIG SET of a password
// directive, MIGRATE ... AUTH or AUTH2, and ACL SETUSER. A line that does
// not split is judged by its words, so that a mistyped AUTH is kept out
// too.
func secret(line string) bool {
	args, err := SplitArgs(line)
	if err != nil {
		args = strings.Fields(line)
	}
	if _, ok := repeatCount(args); ok {
		args = args[1:] // "3 AUTH pw" sends AUTH pw three times
	}
	if len(args) == 0 {
		return false
	}
	lower := make([]string, len(args))
	for i, a := range args {
		lower[i] = strings.ToLower(a)
	}
	rest := func(from int) []string {
		if len(lower) > from {
			return lower[from:]
		}
		return nil
	}
	switch lower[0] {
	case "auth":
		return true
	case "hello":
		return slices.Contains(rest(2), "auth")
	case "migrate":
		return slices.Contains(rest(6), "auth") || slices.Contains(rest(6), "auth2")
	case "config":
		return len(lower) > 1 && lower[1] == "set" &&
			slices.ContainsFunc(rest(2), func(a string) bool { return slices.Contains(secretConfig, a) })
	case "acl":
		return len(lower) > 1 && lower[1] == "setuser"
	}
	return false
}
