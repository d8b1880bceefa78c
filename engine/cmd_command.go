package engine

import (
	"slices"
	"strings"
)

// cmdCommand answers COMMAND and its subcommands from the command table
// and the metadata Redis 7.0 gives each command (commandmeta.go). Redis
// iterates over a hash table where this walks the table in order; Redis
// leaves that order unspecified.
func cmdCommand(db *DB, args [][]byte) (Reply, error) {
	if len(args) == 1 {
		return commandInfos(nil), nil
	}
	sub := args[1]
	switch {
	case equalFold(sub, "COUNT"):
		return int64(len(commandTable)), nil
	case equalFold(sub, "LIST"):
		return commandList(args[2:])
	case equalFold(sub, "INFO"):
		return commandInfos(args[2:]), nil
	case equalFold(sub, "DOCS"):
		return commandDocs(args[2:]), nil
	case equalFold(sub, "GETKEYS"):
		return getKeysReply(args[2:], false)
	case equalFold(sub, "GETKEYSANDFLAGS"):
		return getKeysReply(args[2:], true)
	case equalFold(sub, "HELP"):
		return commandHelp, nil
	}
	return nil, errSubcommand("COMMAND", sub)
}

// commandInfos answers COMMAND INFO: the entries of the commands or
// subcommands ("client|list") named, a null bulk string for a name there
// is none of, as Redis answers; with no names, of every command.
func commandInfos(names [][]byte) Reply {
	if len(names) == 0 {
		out := make([]Reply, len(commandTable))
		for i, c := range commandTable {
			out[i] = commandInfo(c)
		}
		return out
	}
	out := make([]Reply, len(names))
	for i, name := range names {
		switch c, s := lookupFullName(name); {
		case s != nil:
			out[i] = subcommandInfo(c, s)
		case c != nil:
			out[i] = commandInfo(c)
		default:
			out[i] = nil
		}
	}
	return out
}

// commandDocs answers COMMAND DOCS: a map of the names of the commands
// or subcommands named to their documentation, leaving out names there
// is none of; with no names, of every command.
func commandDocs(names [][]byte) Reply {
	out := Map{}
	if len(names) == 0 {
		for _, c := range commandTable {
			out = append(out, []byte(strings.ToLower(c.Name)), commandDoc(c))
		}
		return out
	}
	for _, name := range names {
		switch c, s := lookupFullName(name); {
		case s != nil:
			out = append(out, []byte(fullName(c, s)), subcommandDoc(c, s))
		case c != nil:
			out = append(out, []byte(strings.ToLower(c.Name)), commandDoc(c))
		}
	}
	return out
}

// commandHelp is COMMAND HELP's reply, Redis 7.0's text.
var commandHelp = helpReply("COMMAND",
	"(no subcommand)", "    Return details about all Redis commands.",
	"COUNT", "    Return the total number of commands in this Redis server.",
	"LIST", "    Return a list of all commands in this Redis server.",
	"INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"GETKEYS <full-command>", "    Return the keys from a full Redis command.",
	"GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command.",
)

// lookupFullName finds a command by the name COMMAND INFO and DOCS take:
// "get", or "client|list" for a subcommand, in any case. It returns the
// command and, for a subcommand, the subcommand; nil when there is none.
func lookupFullName(name []byte) (*Command, *Subcommand) {
	before, after, isSub := strings.Cut(string(name), "|")
	c := Lookup(before)
	if !isSub || c == nil {
		return c, nil
	}
	if s := c.subcommand([]byte(after)); s != nil {
		return c, s
	}
	return nil, nil
}

// commandList answers COMMAND LIST [FILTERBY MODULE name|ACLCAT category|
// PATTERN pattern]: the names of the commands, and of their subcommands
// as "client|list", that pass the filter. PhotonDB has no modules, so
// MODULE lists nothing, as it does in Redis for a module not loaded.
func commandList(opts [][]byte) (Reply, error) {
	keep := func(string, *commandMeta) bool { return true }
	switch {
	case len(opts) == 0:
	case len(opts) == 3 && equalFold(opts[0], "FILTERBY"):
		arg := opts[2]
		switch {
		case equalFold(opts[1], "MODULE"):
			keep = func(string, *commandMeta) bool { return false }
		case equalFold(opts[1], "ACLCAT"):
			cat := ""
			for _, c := range aclCategories {
				if equalFold(arg, strings.ToUpper(c)) {
					cat = "@" + c
				}
			}
			keep = func(_ string, m *commandMeta) bool {
				return cat != "" && slices.Contains(m.categories, cat)
			}
		case equalFold(opts[1], "PATTERN"):
			keep = func(name string, _ *commandMeta) bool { return matchGlob(arg, []byte(name), true) }
		default:
			return nil, ErrSyntax
		}
	default:
		return nil, ErrSyntax
	}
	out := Bulks{}
	for _, c := range commandTable {
		if name := strings.ToLower(c.Name); keep(name, c.meta) {
			out = append(out, []byte(name))
		}
		for _, s := range c.Subcommands {
			if name := fullName(c, s); keep(name, s.meta) {
				out = append(out, []byte(name))
			}
		}
	}
	return out, nil
}
