package repl

import (
	"strings"

	"github.com/photondb/photon/resp"
)

// FormatReply renders the reply to the command args as Format does, but
// prints as they are the replies redis-cli always prints so, whatever the
// mode: INFO, CLIENT LIST and the other commands whose reply is text
// meant to be read as it is. Those get no newline of their own, since
// their text ends with one.
func FormatReply(args []string, v resp.Value, raw bool) string {
	m := Standard
	if raw {
		m = Raw
	}
	return formatter{}.reply(args, v, m)
}

// FormatMode renders the reply to the command args as redis-cli prints
// it in mode m (see FormatReply).
func FormatMode(args []string, v resp.Value, m Mode) string {
	return formatter{}.reply(args, v, m)
}

// rawReply mirrors the list in redis-cli.c's cliSendCommand.
func rawReply(args []string) bool {
	if len(args) == 0 {
		return false
	}
	cmd := strings.ToLower(args[0])
	sub := ""
	if len(args) >= 2 {
		sub = strings.ToLower(args[1])
	}
	switch cmd {
	case "info", "lolwut":
		return true
	case "debug":
		return sub == "htstats" || sub == "htstats-key" || sub == "client-eviction"
	case "memory":
		return sub == "malloc-stats" || sub == "doctor"
	case "cluster":
		return len(args) == 2 && (sub == "nodes" || sub == "info")
	case "client":
		return sub == "list" || sub == "info"
	case "proxy":
		return sub == "info"
	case "latency":
		return (len(args) == 3 && sub == "graph") || (len(args) == 2 && sub == "doctor")
	}
	return false
}
