package repl

import "github.com/fatih/color"

// role is what a piece of output is, which decides its colour.
type role int

const (
	roleError  role = iota // (error) ... and failures
	roleStatus             // simple strings: OK, PONG, QUEUED
	roleNumber             // (integer), (double), (big number)
	roleString             // quoted bulk strings
	roleNil                // (nil) and empty aggregates
	roleBool               // (true), (false)
	roleIndex              // 1) 1~ 1# in aggregates: the nesting
	roleName               // a command name in help
	roleArgs               // a usage line in help, and later the hint after the cursor
	roleLabel              // summary:, since:, group: in help
	numRoles
)

// palette colours output for a terminal. A nil *palette paints nothing,
// which is how script mode, one-shot mode and NoColor get plain text.
//
// Each color.Color is forced on with EnableColor, so the palette works
// whatever the global color.NoColor says and never changes it.
type palette struct {
	c [numRoles]*color.Color
}

// newPalette returns the colours of an interactive session.
func newPalette() *palette {
	p := &palette{}
	set := func(r role, attrs ...color.Attribute) {
		c := color.New(attrs...)
		c.EnableColor()
		p.c[r] = c
	}
	set(roleError, color.FgRed)
	set(roleStatus, color.FgGreen)
	set(roleNumber, color.FgCyan)
	set(roleNil, color.Faint)
	set(roleBool, color.FgMagenta)
	set(roleIndex, color.FgHiBlack) // dim, so that nesting shows and values stand out
	set(roleName, color.Bold)
	set(roleArgs, color.FgHiBlack)
	set(roleLabel, color.FgYellow)
	return p
}

// paint returns s in the colour of r. With a nil palette, or for a role
// without a colour, it returns s as it is: strings and indexes are most of
// the output and stay in the terminal's own colour.
func (p *palette) paint(r role, s string) string {
	if p == nil || s == "" || p.c[r] == nil {
		return s
	}
	return p.c[r].Sprint(s)
}
