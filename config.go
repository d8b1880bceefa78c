package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// readConfigFile reads redis.conf-style lines ("port 6380") into cfg,
// leaving alone settings given as flags. It names the file and line of
// anything it does not understand.
func readConfigFile(path string, cfg *serveConfig, c *cli.Context) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		name, args := strings.ToLower(fields[0]), fields[1:]
		bad := func(msg string) error { return fmt.Errorf("%s:%d: %s: %s", path, n, name, msg) }
		if len(args) != 1 {
			return bad(fmt.Sprintf("takes one value, got %d", len(args)))
		}
		v := strings.Trim(args[0], `"`)
		if c.IsSet(name) {
			continue
		}
		switch name {
		case "bind":
			cfg.bind = v
		case "port":
			p, err := strconv.Atoi(v)
			if err != nil || p < 0 || p > 65535 {
				return bad(fmt.Sprintf("%q is not a port number (0-65535)", v))
			}
			cfg.port = p
		case "dir":
			cfg.dir = v
		case "dbfilename":
			cfg.dbfilename = v
		case "save":
			d, err := parseSaveInterval(v)
			if err != nil {
				return bad(err.Error())
			}
			cfg.save = d
		default:
			return bad("unknown directive (known: bind, port, dir, dbfilename, save)")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}
