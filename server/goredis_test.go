package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photondb/photon/engine"
)

// Ensure that the go-redis v9 client works unmodified, over RESP3 (its
// default) and RESP2, pipelined and not.
func TestServer_GoRedisClient(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	for _, proto := range []int{3, 2} {
		t.Run("RESP"+string(rune('0'+proto)), func(t *testing.T) {
			ctx := context.Background()
			rdb := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, DB: proto})
			defer rdb.Close()
			if err := rdb.Ping(ctx).Err(); err != nil {
				t.Fatalf("PING: %v", err)
			}
			if err := rdb.Set(ctx, "name", "alice", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			if got, err := rdb.Get(ctx, "name").Result(); err != nil || got != "alice" {
				t.Errorf("GET name = %q, %v", got, err)
			}
			if _, err := rdb.Get(ctx, "missing").Result(); err != redis.Nil {
				t.Errorf("GET missing: err = %v, want redis.Nil", err)
			}
			if ttl, err := rdb.TTL(ctx, "name").Result(); err != nil || ttl != time.Minute {
				t.Errorf("TTL name = %v, %v", ttl, err)
			}
			if n, err := rdb.LPush(ctx, "tasks", "task1", "task2").Result(); err != nil || n != 2 {
				t.Errorf("LPUSH = %d, %v", n, err)
			}
			if got, err := rdb.LRange(ctx, "tasks", 0, -1).Result(); err != nil || len(got) != 2 || got[0] != "task2" {
				t.Errorf("LRANGE = %v, %v", got, err)
			}
			if err := rdb.HSet(ctx, "user", "name", "bob", "age", "42").Err(); err != nil {
				t.Fatal(err)
			}
			if got, err := rdb.HGetAll(ctx, "user").Result(); err != nil || got["age"] != "42" || len(got) != 2 {
				t.Errorf("HGETALL = %v, %v", got, err)
			}
			if _, err := rdb.Incr(ctx, "name").Result(); err == nil || err.Error() != "ERR value is not an integer or out of range" {
				t.Errorf("INCR on a string: err = %v", err)
			}
			pipe := rdb.Pipeline()
			incrs := make([]*redis.IntCmd, 100)
			for i := range incrs {
				incrs[i] = pipe.Incr(ctx, "counter")
			}
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i, c := range incrs {
				if c.Val() != int64(i+1) {
					t.Fatalf("pipelined INCR %d = %d", i, c.Val())
				}
			}
			if n, err := rdb.DBSize(ctx).Result(); err != nil || n != 4 {
				t.Errorf("DBSIZE = %d, %v", n, err)
			}
		})
	}
}
