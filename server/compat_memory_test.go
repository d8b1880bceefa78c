package server_test

// Differential lines for MEMORY, the memory directives and OBJECT FREQ
// and IDLETIME: each is sent to photon and to a real redis-server.
func init() {
	compatScripts = append(compatScripts, struct {
		name  string
		lines []string
	}{"memory", []string{
		"SET foo bar", "MEMORY USAGE nokey", "MEMORY USAGE foo SAMPLES", "MEMORY USAGE foo SAMPLES -1",
		"MEMORY USAGE foo SAMPLES x", "MEMORY USAGE foo foo 1", "MEMORY USAGE", "MEMORY PURGE", "MEMORY FOO", "MEMORY HELP",
		"CONFIG SET maxmemory-policy bad", "CONFIG SET maxmemory 10xb", "CONFIG SET maxmemory 100mb", "CONFIG GET maxmemory",
		"CONFIG SET maxmemory 1gb", "CONFIG GET maxmemory", "CONFIG SET maxmemory 0", "CONFIG GET maxmemory-policy",
		"CONFIG SET maxmemory-samples 0", "CONFIG SET maxmemory-samples 10", "CONFIG GET maxmemory-samples",
		"CONFIG SET lfu-log-factor x", "CONFIG GET lfu-log-factor", "CONFIG GET lfu-decay-time", "OBJECT FREQ foo", "OBJECT FREQ nokey",
		"CONFIG SET maxmemory-policy allkeys-lfu", "SET fresh v", "OBJECT FREQ fresh", "OBJECT IDLETIME fresh",
		"CONFIG SET maxmemory-policy allkeys-lru", "CONFIG SET maxmemory-policy noeviction",
		"CONFIG SET maxmemory-samples 5",
	}})
}
