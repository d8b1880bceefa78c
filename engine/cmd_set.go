package engine

// setCommands are the set group's rows of the command table.
func setCommands() []*Command {
	return []*Command{}
}
