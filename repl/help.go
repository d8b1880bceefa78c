package repl

import (
	"strings"

	"github.com/photondb/photon/engine"
)

// isHelp reports whether name is the local help command; like redis-cli,
// "?" is a synonym.
func isHelp(name string) bool { return strings.EqualFold(name, "help") || name == "?" }

// help returns what the local help command prints for the words after
// "help", in redis-cli's layout (cliOutputHelp), with "\n" line ends.
//
//	help            an introduction and the list of groups
//	help @group     every command of the group with its usage
//	help command    one command: usage, summary, since and group
//	help cmd sub    one subcommand of a container command (CLIENT SETNAME)
func (t *table) help(args []string, pal *palette) string {
	if len(args) == 0 {
		return t.intro()
	}
	var b strings.Builder
	topic := strings.Join(args, " ")
	if group, ok := strings.CutPrefix(topic, "@"); ok {
		cmds := t.inGroup(group)
		if len(cmds) == 0 {
			return "\n  No commands in group \"" + group + "\". " + groupsLine(t.groups) + "\n\n"
		}
		for _, c := range cmds {
			writeCommandHelp(&b, c, false, pal)
		}
	} else {
		c := t.lookup(topic)
		switch {
		case c != nil:
			writeCommandHelp(&b, c, true, pal)
		case len(args) == 2 && t.lookup(args[0]) != nil && t.subcommandUsage(t.lookup(args[0]), args[1]) != "":
			c = t.lookup(args[0])
			sub := *c
			sub.Name = c.Name + " " + strings.ToUpper(args[1])
			sub.Args = t.subcommandUsage(c, args[1])
			writeCommandHelp(&b, &sub, true, pal)
		default:
			return "\n  No help for \"" + topic + "\". Type \"help\" to list the groups.\n\n"
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// subcommandUsage returns the usage of the subcommand name of a container
// command such as CLIENT (the alternative of its syntax that starts with
// name, without it), or "" when it has none.
func (t *table) subcommandUsage(c *engine.Command, name string) string {
	n := t.syntax[c]
	if n.kind != nodeAlt {
		return ""
	}
	for _, k := range n.kids {
		first, rest := k, []*node(nil)
		if k.kind == nodeSeq && len(k.kids) > 0 {
			first, rest = k.kids[0], k.kids[1:]
		}
		if first.kind != nodeWord || !strings.EqualFold(first.text, name) {
			continue
		}
		if len(rest) == 0 {
			return " " // no arguments, but a subcommand all the same
		}
		var b strings.Builder
		seqOf(rest).render(&b, false)
		return b.String()
	}
	return ""
}

// writeCommandHelp writes one entry of help (cliOutputCommandHelp).
func writeCommandHelp(b *strings.Builder, c *engine.Command, withGroup bool, pal *palette) {
	b.WriteString("\n  ")
	b.WriteString(pal.paint(roleName, c.Name))
	if strings.TrimSpace(c.Args) != "" {
		b.WriteByte(' ')
		b.WriteString(pal.paint(roleArgs, c.Args))
	}
	b.WriteString("\n  " + pal.paint(roleLabel, "summary:") + " " + c.Summary + "\n")
	if c.Since != "" {
		b.WriteString("  " + pal.paint(roleLabel, "since:") + " " + c.Since + "\n")
	}
	if withGroup {
		b.WriteString("  " + pal.paint(roleLabel, "group:") + " " + c.Group + "\n")
	}
}

// intro is the text of help without arguments.
func (t *table) intro() string {
	return `To get help about commands type:
      "help @<group>" to get a list of commands in <group>
      "help <command>" for help on <command>
      "help <tab>" to get a list of possible help topics
      "quit" to exit

` + groupsLine(t.groups) + "\n"
}

// groupsLine lists the help topics for groups.
func groupsLine(groups []string) string {
	return "Groups: @" + strings.Join(groups, " @")
}
