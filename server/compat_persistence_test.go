package server_test

// The persistence commands' replies that do not depend on a save
// happening: argument errors and stop-writes-on-bgsave-error. Saving,
// MISCONF and the append-only file's directives are compared with Redis
// in the main package's TestServe_Persistence, on a real photon serve.
func init() {
	compatScripts = append(compatScripts, struct {
		name  string
		lines []string
	}{"persistence", []string{
		"BGSAVE x", "BGSAVE SCHEDULE x", "BGSAVE schedulex", "BGREWRITEAOF x", "SAVE x", "LASTSAVE x",
		"CONFIG SET stop-writes-on-bgsave-error maybe", "CONFIG SET stop-writes-on-bgsave-error 1",
		"CONFIG SET stop-writes-on-bgsave-error NO", "CONFIG GET stop-writes-on-bgsave-error",
		"CONFIG SET stop-writes-on-bgsave-error yes", "CONFIG GET stop-writes-*",
	}})
}
