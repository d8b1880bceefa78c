package engine

// sortedSetCommands are the sorted_set group's rows of the command table.
func sortedSetCommands() []*Command {
	return []*Command{}
}
