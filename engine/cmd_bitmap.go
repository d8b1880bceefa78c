package engine

// bitmapCommands are the bitmap group's rows of the command table.
func bitmapCommands() []*Command {
	return []*Command{}
}
