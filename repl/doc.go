// Package repl is the terminal side of the photon shell and of photon
// connect: it reads commands typed at a prompt or lines of a script,
// sends them through a client.Client, and prints the replies exactly as
// redis-cli 7 prints them.
//
// It keeps redis-cli's habits so that people and scripts used to it feel
// at home: the same quoting rules for arguments (SplitArgs), the same
// rendering of replies in each of redis-cli's output modes (standard,
// --raw, --csv, --json: FormatMode), a prompt that follows SELECT and
// MULTI, "N command" repeats, streaming after SUBSCRIBE and MONITOR, and
// local help built from the engine's command table.
//
// Interactive sessions add line editing, persistent history that never
// holds a password, colours, and what the command table's argument
// syntax makes possible: a grey hint of the arguments still to type,
// and Tab completion of command names, keywords, subcommands, key names
// and directive names. Ctrl-C stops a command or the printing of its
// reply and returns to the prompt.
//
// Every mode (interactive, script, one-shot) renders replies through the
// same formatter, so that what a script prints is what a person sees,
// minus the colours.
package repl
