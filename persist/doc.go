// Package persist moves PhotonDB's data to and from disk.
//
// Snapshots are Redis RDB files. Encode writes a snapshot in RDB version
// 10, the format Redis 7.0 writes and redis-check-rdb accepts: strings
// (integer-encoded or LZF-compressed where Redis would), lists as
// quicklists of listpacks, hashes as plain field/value sequences, TTLs in
// milliseconds and a CRC64 trailer. Decode reads what Redis 2.x through 7.x
// writes (RDB versions 1 to 12), including the compact encodings of older
// versions (zipmaps, ziplists, quicklists of ziplists), and hands each key
// to a callback. A file that fails to parse or to match its checksum is
// refused with a FormatError that says what was wrong and at which byte.
//
// File ties an RDB file to a path: it holds an advisory lock so that two
// processes never write the same file, loads the file into an engine, and
// saves snapshots by writing a temporary file, syncing it and renaming it
// over the old one, so that a failed save never damages the last good
// snapshot.
package persist
