package engine

// transactionCommands are the transactions group's rows of the command table.
func transactionCommands() []*Command {
	return []*Command{}
}
