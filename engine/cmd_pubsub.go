package engine

// pubsubCommands are the pubsub group's rows of the command table.
func pubsubCommands() []*Command {
	return []*Command{}
}
