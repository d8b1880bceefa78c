package server_test

// The list commands beyond the original's, run against photon and a real
// redis-server by TestServer_MatchesRedis.
func init() {
	compatScripts = append(compatScripts,
		struct {
			name  string
			lines []string
		}{"list lset linsert", []string{
			"RPUSH l a b c d e", "LSET l 0 A", "LSET l -1 E", "LSET l 2 C", "LSET l 5 x", "LSET l -6 x",
			"LSET l abc x", "LSET l 9223372036854775807 x", "LSET l -9223372036854775808 x", "LSET l 99999999999999999999 x",
			"LSET nokey 0 x", "LSET nokey abc x", "SET s v", "LSET s 0 x", "LSET s abc x", "LRANGE l 0 -1",
			"LINSERT l BEFORE C X", "LINSERT l after C Y", "LINSERT l before nope Z", "LINSERT l middle C Z",
			"LINSERT l AfTeR E tail", "LINSERT l before A head", "LINSERT nokey before a b", "LINSERT nokey middle a b",
			"LINSERT s before a b", "LINSERT s middle a b", "EXISTS nokey", "LRANGE l 0 -1", "LLEN l",
			"RPUSH dup x y x y x", "LINSERT dup after x 1", "LINSERT dup before y 2", "LRANGE dup 0 -1",
			"RPUSH ring 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", "LPOP ring 5", "RPUSH ring 17 18 19 20 21",
			"LPUSH ring a b c", "LINSERT ring BEFORE 8 m1", "LINSERT ring AFTER 18 m2", "LINSERT ring BEFORE c m3",
			"LINSERT ring AFTER 21 m4", "LSET ring 10 S", "LRANGE ring 0 -1", "LINDEX ring -1", "LINDEX ring 12",
		}},
		struct {
			name  string
			lines []string
		}{"list lrem ltrim", []string{
			"RPUSH l a b a c a b a", "LREM l 2 a", "LRANGE l 0 -1", "LREM l -1 a", "LRANGE l 0 -1",
			"RPUSH l a a a", "LREM l -2 a", "LRANGE l 0 -1", "LREM l 0 a", "LRANGE l 0 -1", "LREM l 0 nope",
			"LREM l 5 b", "EXISTS l", "LREM nokey 1 a", "LREM nokey x a", "SET s v", "LREM s 1 a", "LREM s x a",
			"RPUSH m x y x y x", "LREM m -9223372036854775808 x", "LRANGE m 0 -1", "RPUSH m x",
			"LREM m 9223372036854775807 y", "LRANGE m 0 -1", "LREM m 1.5 x", "LREM m 99999999999999999999 x",
			"RPUSH t 0 1 2 3 4 5 6 7 8 9", "LTRIM t 1 -2", "LRANGE t 0 -1", "LTRIM t -100 100", "LRANGE t 0 -1",
			"LTRIM t 2 4", "LRANGE t 0 -1", "LTRIM t -2 -1", "LRANGE t 0 -1", "LTRIM t a 1", "LTRIM t 0 b",
			"LTRIM t 5 2", "EXISTS t", "RPUSH t a b c", "LTRIM t -1 -2", "EXISTS t", "RPUSH t a b c",
			"LTRIM t 9223372036854775807 -9223372036854775808", "EXISTS t", "RPUSH t a b c",
			"LTRIM t -9223372036854775808 9223372036854775807", "LRANGE t 0 -1", "LTRIM t 3 10", "EXISTS t",
			"LTRIM nokey 0 1", "LTRIM nokey a 1", "LTRIM s 0 1", "LTRIM s a 1",
		}},
		struct {
			name  string
			lines []string
		}{"list lpos", []string{
			"RPUSH l a b c 1 2 3 c c", "LPOS l c", "LPOS l c RANK 2", "LPOS l c RANK -1", "LPOS l c RANK -3",
			"LPOS l c RANK 4", "LPOS l c COUNT 0", "LPOS l c COUNT 2", "LPOS l c COUNT 0 RANK -1", "LPOS l c COUNT 2 RANK 2",
			"LPOS l c COUNT 0 MAXLEN 3", "LPOS l c RANK -1 MAXLEN 1", "LPOS l c RANK -1 MAXLEN 2 COUNT 0",
			"LPOS l nope", "LPOS l nope COUNT 0", "LPOS l 1", "LPOS l c MAXLEN 0", "LPOS l c rank 1 count 1 maxlen 1",
			"LPOS l c RANK 0", "LPOS l c RANK x", "LPOS l c RANK 1.5", "LPOS l c COUNT -1", "LPOS l c COUNT x",
			"LPOS l c MAXLEN -1", "LPOS l c MAXLEN x", "LPOS l c FOO", "LPOS l c RANK", "LPOS l c COUNT", "LPOS l c COUNT 1 MAXLEN",
			"LPOS l c RANK -9223372036854775808", "LPOS l c RANK -9223372036854775808 COUNT 1",
			"LPOS l c RANK -9223372036854775807", "LPOS l c RANK 9223372036854775807 COUNT 0",
			"LPOS l c RANK 9223372036854775808", "LPOS l c COUNT 9223372036854775807", "LPOS l c RANK 2 RANK 0",
			"LPOS l c COUNT 1 COUNT 0", "LPOS nokey a", "LPOS nokey a COUNT 1", "LPOS nokey a RANK 0", "LPOS nokey a COUNT -1",
			"SET s v", "LPOS s a", "LPOS s a RANK 0", "LPOS s a FOO",
		}},
		struct {
			name  string
			lines []string
		}{"list pushx lmove", []string{
			"LPUSHX l a", "RPUSHX l a", "EXISTS l", "SET s v", "LPUSHX s a", "RPUSHX s a", "RPUSH l a",
			"LPUSHX l b c", "RPUSHX l d e", "LRANGE l 0 -1", "LPUSHX l", "RPUSHX l",
			"LMOVE l d LEFT RIGHT", "LMOVE l d RIGHT LEFT", "LMOVE l d left left", "LMOVE l d right right",
			"LRANGE l 0 -1", "LRANGE d 0 -1", "LMOVE l d UP LEFT", "LMOVE l d LEFT DOWN", "LMOVE nokey d UP LEFT",
			"LMOVE nokey d LEFT RIGHT", "LMOVE nokey s LEFT RIGHT", "LMOVE s d LEFT RIGHT", "LMOVE l s LEFT RIGHT",
			"LRANGE l 0 -1", "LMOVE d d LEFT RIGHT", "LRANGE d 0 -1", "LMOVE d d RIGHT LEFT", "LRANGE d 0 -1",
			"LMOVE d d LEFT LEFT", "LRANGE d 0 -1", "LMOVE l other LEFT LEFT", "EXISTS l", "LRANGE other 0 -1",
			"RPUSH one x", "LMOVE one one RIGHT LEFT", "LRANGE one 0 -1", "LMOVE l x LEFT",
			"RPUSH r 1 2 3", "RPOPLPUSH r r", "LRANGE r 0 -1", "RPOPLPUSH r q", "LRANGE q 0 -1", "RPOPLPUSH nokey q",
			"RPOPLPUSH s q", "RPOPLPUSH r s", "RPOPLPUSH r", "RPOPLPUSH one two", "EXISTS one", "LRANGE two 0 -1",
		}},
		struct {
			name  string
			lines []string
		}{"list lmpop", []string{
			"RPUSH a 1 2 3 4 5", "RPUSH b x y", "SET s v",
			"LMPOP 1 a LEFT", "LMPOP 1 a RIGHT", "LMPOP 2 nokey a left COUNT 2", "LMPOP 2 a b RIGHT COUNT 10",
			"EXISTS a", "LMPOP 3 nokey a b LEFT COUNT 1", "LMPOP 1 b left", "LMPOP 1 b LEFT", "LMPOP 2 nokey s LEFT",
			"LMPOP 2 s nokey LEFT", "RPUSH c 1", "LMPOP 2 c s LEFT", "LMPOP 2 s c LEFT",
			"LMPOP 0 a LEFT", "LMPOP -1 a LEFT", "LMPOP x a LEFT", "LMPOP 1.5 a LEFT", "LMPOP 1 a", "LMPOP 2 a LEFT",
			"LMPOP 1 a UP", "LMPOP 1 a LEFT COUNT 0", "LMPOP 1 a LEFT COUNT -1", "LMPOP 1 a LEFT COUNT x",
			"LMPOP 1 a LEFT COUNT 1 COUNT 1", "LMPOP 1 a LEFT FOO", "LMPOP 1 a LEFT COUNT", "LMPOP 1 a b LEFT",
			"LMPOP 99999999999999 a LEFT", "LMPOP 9223372036854775807 a LEFT", "LMPOP 99999999999999999999 a LEFT",
			"RPUSH a 1 2 3", "LMPOP 1 a LEFT count 9223372036854775807", "EXISTS a", "LMPOP 1 nokey LEFT COUNT 0",
		}},
	)
}
