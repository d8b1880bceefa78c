// Package persist moves PhotonDB's data to and from disk.
//
// Snapshots are Redis RDB files. Encode writes a snapshot in RDB version
// 10, the format Redis 7.0 writes and redis-check-rdb accepts, choosing
// each value's encoding as Redis 7.0 would: strings integer-encoded or
// LZF-compressed (as liblzf compresses them, so the bytes are Redis's),
// lists as quicklists of listpacks split where Redis splits them, small
// hashes and sorted sets as listpacks, sets of integers as intsets, large
// collections as plain sequences; TTLs in milliseconds and a CRC64
// trailer. Decode reads what Redis 2.x through 7.4 writes (RDB versions 1
// to 12), including the compact encodings of older versions (zipmaps,
// ziplists, quicklists of ziplists), and hands each key to a callback.
// Values PhotonDB has no type for (streams, modules, hashes with field
// expiry, function libraries) are refused, or skipped on request. A file
// that fails to parse or to match its checksum is refused with a
// FormatError that says what was wrong and at which byte.
//
// DumpFormat is the payload of DUMP and RESTORE: one value in the same
// encodings, with Redis's version and checksum footer.
//
// File ties an RDB file to a path: it holds an advisory lock so that two
// processes never write the same file, loads the file into an engine, and
// saves snapshots by writing a temporary file, syncing it and renaming it
// over the old one, so that a failed save never damages the last good
// snapshot.
package persist
