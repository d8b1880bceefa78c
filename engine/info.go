package engine

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// infoSections are INFO's sections in Redis's order; "default" and "all"
// select all of them.
var infoSections = []struct {
	name  string
	write func(e *Engine, b *infoBuilder)
}{
	{"server", (*Engine).infoServer},
	{"clients", (*Engine).infoClients},
	{"memory", (*Engine).infoMemory},
	{"persistence", (*Engine).infoPersistence},
	{"stats", (*Engine).infoStats},
	{"replication", (*Engine).infoReplication},
	{"cpu", (*Engine).infoCPU},
	{"keyspace", (*Engine).infoKeyspace},
}

type infoBuilder struct{ strings.Builder }

func (b *infoBuilder) field(k string, v any) {
	b.WriteString(k)
	b.WriteByte(':')
	switch v := v.(type) {
	case string:
		b.WriteString(v)
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case float64:
		b.WriteString(strconv.FormatFloat(v, 'f', 2, 64))
	}
	b.WriteString("\r\n")
}

func cmdInfo(db *DB, args [][]byte) (Reply, error) {
	want := map[string]bool{}
	for _, a := range args[1:] {
		want[strings.ToLower(string(a))] = true
	}
	all := len(want) == 0 || want["all"] || want["default"] || want["everything"]
	var b infoBuilder
	for _, s := range infoSections {
		if !all && !want[s.name] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + strings.ToUpper(s.name[:1]) + s.name[1:] + "\r\n")
		s.write(db.eng, &b)
	}
	return Verbatim(b.String()), nil
}

func (e *Engine) infoServer(b *infoBuilder) {
	now := e.now()
	up := now.Sub(e.started)
	b.field("redis_version", RedisVersion)
	b.field("redis_mode", "standalone")
	b.field("os", runtime.GOOS+" "+runtime.GOARCH)
	b.field("arch_bits", strconv.Itoa(strconv.IntSize))
	b.field("go_version", runtime.Version())
	b.field("process_id", os.Getpid())
	b.field("tcp_port", e.opts.Port)
	b.field("server_time_usec", now.UnixMicro())
	b.field("uptime_in_seconds", int64(up/time.Second))
	b.field("uptime_in_days", int64(up/(24*time.Hour)))
	b.field("hz", 10)
	b.field("executable", executable())
	b.field("config_file", e.opts.ConfigFile)
}

func executable() string {
	p, err := os.Executable()
	if err != nil {
		return ""
	}
	return p
}

func (e *Engine) infoClients(b *infoBuilder) {
	maxclients := "10000"
	if v, ok := e.configValue("maxclients"); ok {
		maxclients = v
	}
	b.field("connected_clients", e.stats.clients.Load())
	b.field("cluster_connections", 0)
	b.field("maxclients", maxclients)
	b.field("blocked_clients", 0)
	b.field("tracking_clients", 0)
}

// configValue returns a registered directive's value.
func (e *Engine) configValue(name string) (string, bool) {
	e.config.mu.RLock()
	p := e.config.byKey[name]
	e.config.mu.RUnlock()
	if p == nil {
		return "", false
	}
	return p.Get(), true
}

// heapInUse returns the bytes of live and not yet swept heap objects.
func heapInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// residentBytes returns the process's resident set size, or 0 where
// /proc is not available.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func humanBytes(n int64) string {
	units := []string{"B", "K", "M", "G", "T"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatInt(n, 10) + "B"
	}
	return strconv.FormatFloat(f, 'f', 2, 64) + units[i]
}

// infoPersistence writes Redis 7.0's persistence section, field for
// field; what PhotonDB has no counterpart for (copy-on-write sizes, fork
// and module fields) is zero, as in a Redis that never forked.
func (e *Engine) infoPersistence(b *infoBuilder) {
	d := &e.disk
	now := e.now().Unix()
	b.field("loading", 0)
	b.field("async_loading", 0)
	b.field("current_cow_peak", 0)
	b.field("current_cow_size", 0)
	b.field("current_cow_size_age", 0)
	b.field("current_fork_perc", 0.0)
	b.field("current_save_keys_processed", 0)
	b.field("current_save_keys_total", 0)
	b.field("rdb_changes_since_last_save", e.dirty.Load())
	b.field("rdb_bgsave_in_progress", boolInt(e.saving.Load()))
	b.field("rdb_last_save_time", e.lastSave.Load())
	b.field("rdb_last_bgsave_status", okErr(e.lastBgErr.Load() == nil))
	b.field("rdb_last_bgsave_time_sec", d.lastBgsaveSecs.Load())
	b.field("rdb_current_bgsave_time_sec", elapsed(e.saving.Load(), now, d.bgsaveStart.Load()))
	b.field("rdb_saves", d.saves.Load())
	b.field("rdb_last_cow_size", 0)
	b.field("rdb_last_load_keys_expired", 0)
	b.field("rdb_last_load_keys_loaded", 0)
	st := e.AOFStatus()
	b.field("aof_enabled", boolInt(st.Enabled))
	b.field("aof_rewrite_in_progress", boolInt(d.rewriting.Load()))
	b.field("aof_rewrite_scheduled", boolInt(d.rewriteScheduled.Load()))
	b.field("aof_last_rewrite_time_sec", d.lastRewriteSecs.Load())
	b.field("aof_current_rewrite_time_sec", elapsed(d.rewriting.Load(), now, d.rewriteStart.Load()))
	b.field("aof_last_bgrewrite_status", okErr(!d.rewriteFailed.Load()))
	b.field("aof_rewrites", d.rewrites.Load())
	b.field("aof_rewrites_consecutive_failures", d.rewriteFailures.Load())
	b.field("aof_last_write_status", okErr(st.WriteErr == nil))
	b.field("aof_last_cow_size", 0)
	b.field("module_fork_in_progress", 0)
	b.field("module_fork_last_cow_size", 0)
	if st.Enabled {
		b.field("aof_current_size", st.Size)
		b.field("aof_base_size", st.BaseSize)
		b.field("aof_pending_rewrite", 0)
		b.field("aof_buffer_length", st.Buffered)
		b.field("aof_pending_bio_fsync", 0)
		b.field("aof_delayed_fsync", 0)
	}
}

// elapsed is the seconds since start while running, else -1, as Redis
// shows a job's current time.
func elapsed(running bool, now, start int64) int64 {
	if !running {
		return -1
	}
	return now - start
}

func okErr(ok bool) string {
	if ok {
		return "ok"
	}
	return "err"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// resetStats zeroes the counters CONFIG RESETSTAT resets.
func (e *Engine) resetStats() {
	st := &e.stats
	st.expired.Store(0)
	st.connections.Store(0)
	st.rejected.Store(0)
	e.mem.evicted.Store(0)
	e.ops.reset()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = counters{}
	for s := range st.sessions {
		s.counters.commands.Store(0)
		s.counters.hits.Store(0)
		s.counters.misses.Store(0)
	}
}

func (e *Engine) infoStats(b *infoBuilder) {
	t := e.stats.totals()
	b.field("total_connections_received", e.stats.connections.Load())
	b.field("total_commands_processed", t.commands.Load())
	b.field("instantaneous_ops_per_sec", e.ops.perSecond())
	b.field("rejected_connections", e.stats.rejected.Load())
	b.field("expired_keys", e.stats.expired.Load())
	b.field("evicted_keys", e.mem.evicted.Load())
	b.field("keyspace_hits", t.hits.Load())
	b.field("keyspace_misses", t.misses.Load())
	b.field("latest_fork_usec", e.disk.snapshotMicros.Load())
	b.field("total_forks", e.disk.snapshots.Load())
}

func (e *Engine) infoReplication(b *infoBuilder) {
	b.field("role", "master")
	b.field("connected_slaves", 0)
}

func (e *Engine) infoCPU(b *infoBuilder) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.field("used_cpu_sys", tvSeconds(ru.Stime))
	b.field("used_cpu_user", tvSeconds(ru.Utime))
}

func tvSeconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

func (e *Engine) infoKeyspace(b *infoBuilder) {
	for i, ks := range e.dbs {
		if ks.size() == 0 {
			continue
		}
		b.field("db"+strconv.Itoa(i), "keys="+strconv.Itoa(ks.size())+",expires="+strconv.Itoa(ks.expires.len())+",avg_ttl=0")
	}
}

// opsSampler estimates instantaneous_ops_per_sec as Redis does: every
// 100 ms (Run calls sampleOps) it records the rate since the previous
// sample, and INFO reports the mean of the last 16 samples.
type opsSampler struct {
	mu      sync.Mutex
	lastMs  int64 // Engine.mono in milliseconds at the previous sample
	lastOps int64 // total commands at the previous sample
	samples [16]int64
	next    int
	primed  bool // lastMs and lastOps hold a sample
}

// sampleOps records one sample of the command rate.
func (e *Engine) sampleOps() {
	e.ops.sample(e.mono()/1e6, e.stats.totals().commands.Load())
}

func (o *opsSampler) sample(nowMs, ops int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.primed {
		rate := int64(0)
		if t := nowMs - o.lastMs; t > 0 && ops >= o.lastOps {
			rate = (ops - o.lastOps) * 1000 / t
		}
		o.samples[o.next] = rate
		o.next = (o.next + 1) % len(o.samples)
	}
	o.lastMs, o.lastOps, o.primed = nowMs, ops, true
}

func (o *opsSampler) perSecond() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	var sum int64
	for _, v := range o.samples {
		sum += v
	}
	return sum / int64(len(o.samples))
}

// reset forgets the samples, for CONFIG RESETSTAT.
func (o *opsSampler) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.samples, o.next, o.primed = [16]int64{}, 0, false
}
