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
		if c == nil {
			return "\n  No help for \"" + topic + "\". Type \"help\" to list the groups.\n\n"
		}
		writeCommandHelp(&b, c, true, pal)
	}
	b.WriteByte('\n')
	return b.String()
}

// writeCommandHelp writes one entry of help (cliOutputCommandHelp).
func writeCommandHelp(b *strings.Builder, c *engine.Command, withGroup bool, pal *palette) {
	b.WriteString("\n  ")
	b.WriteString(pal.paint(roleName, c.Name))
	if c.Args != "" {
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
