// Package xxsum is a small non-allocating hash whose benchmarks report throughput with
// b.SetBytes, like a real hashing library's: the fixture behind the comment's golden files on
// real go test output.
package xxsum

const prime = 0x9E3779B185EBCA87

// Sum64 hashes b.
func Sum64(b []byte) uint64 {
	h := uint64(len(b)) * prime
	if len(b) < 32 {
		return short(h, b)
	}
	for _, c := range b {
		h = (h ^ uint64(c)) * prime
	}
	return h
}

// Sum64String hashes s without converting it to a byte slice.
func Sum64String(s string) uint64 {
	h := uint64(len(s)) * prime
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * prime
	}
	return h
}
