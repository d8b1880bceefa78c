package engine

// connectionCommands are the connection group's rows of the command table.
func connectionCommands() []*Command {
	return []*Command{
		{Name: "AUTH", Group: "connection", Arity: -2, Flags: ReadOnly | Fast | NoScript | Loading | Stale | NoAuth,
			Args: "[username] password", Summary: "Authenticate to the server", Since: "1.0.0", Run: cmdAuth},
		{Name: "CLIENT", Group: "connection", Arity: -2, Flags: ReadOnly | Loading | Stale,
			Args:    "ID|INFO|LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id ...]|KILL [ip:port] [ID client-id] [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME YES|NO]|GETNAME|SETNAME connection-name|SETINFO LIB-NAME|LIB-VER value|NO-EVICT ON|OFF|NO-TOUCH ON|OFF|UNBLOCK client-id [TIMEOUT|ERROR]|HELP",
			Summary: "A container for client connection commands", Since: "2.4.0", Run: cmdClient,
			Subcommands: []*Subcommand{
				{Name: "GETNAME", Arity: 2, Flags: NoScript},
				{Name: "HELP", Arity: 2},
				{Name: "ID", Arity: 2, Flags: NoScript},
				{Name: "INFO", Arity: 2, Flags: NoScript},
				{Name: "KILL", Arity: -3, Flags: Admin | NoScript},
				{Name: "LIST", Arity: -2, Flags: Admin | NoScript},
				{Name: "NO-EVICT", Arity: 3, Flags: Admin | NoScript},
				{Name: "NO-TOUCH", Arity: 3, Flags: NoScript},
				{Name: "SETINFO", Arity: 4, Flags: NoScript},
				{Name: "SETNAME", Arity: 3, Flags: NoScript},
				{Name: "UNBLOCK", Arity: -3, Flags: Admin | NoScript},
			}},
		{Name: "ECHO", Group: "connection", Arity: 2, Flags: ReadOnly | Fast | Loading | Stale,
			Args: "message", Summary: "Echo the given string", Since: "1.0.0", Run: cmdEcho},
		{Name: "HELLO", Group: "connection", Arity: -1, Flags: ReadOnly | Fast | NoScript | Loading | Stale | NoAuth,
			Args: "[protover [AUTH username password] [SETNAME clientname]]", Summary: "Handshake with Redis", Since: "6.0.0", Run: cmdHello},
		{Name: "PING", Group: "connection", Arity: -1, Flags: ReadOnly | Fast,
			Args: "[message]", Summary: "Ping the server", Since: "1.0.0", Run: cmdPing},
		{Name: "QUIT", Group: "connection", Arity: -1, Flags: ReadOnly | Fast | NoScript | Loading | Stale | NoAuth,
			Summary: "Close the connection", Since: "1.0.0", Run: cmdQuit},
		{Name: "RESET", Group: "connection", Arity: 1, Flags: ReadOnly | Fast | NoScript | Loading | Stale | NoAuth,
			Summary: "Reset the connection", Since: "6.2.0", Run: cmdReset},
		{Name: "SELECT", Group: "connection", Arity: 2, Flags: ReadOnly | Fast | Loading | Stale,
			Args: "index", Summary: "Change the selected database for the current connection", Since: "1.0.0", Run: cmdSelect},
	}
}
