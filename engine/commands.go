package engine

import (
	"slices"
	"strings"
)

// commands is the command table: one row per command, declared in each
// group's file beside its handlers and sorted here by group, then name.
// Dispatch, arity errors, COMMAND, the shell's help and completion, and
// the journal all read it.
func commands() []*Command {
	t := slices.Concat(
		connectionCommands(),
		hashCommands(),
		keyspaceCommands(),
		listCommands(),
		serverCommands(),
		stringCommands(),
		bitmapCommands(),
		setCommands(),
		sortedSetCommands(),
		transactionCommands(),
		pubsubCommands(),
		blockingCommands(),
		memoryCommands(),
		dumpCommands(),
	)
	slices.SortFunc(t, func(a, b *Command) int {
		if a.Group != b.Group {
			return strings.Compare(a.Group, b.Group)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return t
}
