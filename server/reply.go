package server

import (
	"errors"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
)

// writeError answers a command that failed: an *engine.Error as it is,
// anything else as ERR internal error, logged.
func (s *Server) writeError(w *resp.Writer, err error) {
	var ee *engine.Error
	if errors.As(err, &ee) {
		w.WriteError(ee.Error())
		return
	}
	s.log.Error("command failed", "err", err)
	w.WriteError("ERR internal error")
}

// writeReply encodes an engine reply; the Writer chooses RESP2 or RESP3.
func writeReply(w *resp.Writer, r engine.Reply) {
	switch r := r.(type) {
	case nil:
		w.WriteNull()
	case engine.Status:
		w.WriteSimple(string(r))
	case []byte:
		w.WriteBulk(r)
	case *engine.Bulk:
		w.WriteBulk(r.B)
	case int64:
		w.WriteInt(r)
	case *engine.Int:
		w.WriteInt(r.N)
	case []engine.Reply:
		w.WriteArray(len(r))
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.Bulks:
		w.WriteArray(len(r))
		w.WriteBulks(r)
	case engine.BulkMap:
		w.WriteMap(len(r) / 2)
		w.WriteBulks(r)
	case engine.NullArray:
		w.WriteNullArray()
	case engine.Double:
		w.WriteDouble(float64(r))
	case engine.Map:
		w.WriteMap(len(r) / 2)
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.Set:
		w.WriteSet(len(r))
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.Push:
		w.WritePush(len(r))
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.Verbatim:
		w.WriteVerbatim("txt", []byte(r))
	case *engine.Error:
		w.WriteError(r.Error())
	case engine.Replies:
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.NoReply:
		// The client gets nothing, as from Redis.
	default:
		w.WriteError("ERR internal error: unknown reply type")
	}
}
