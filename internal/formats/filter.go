package formats

import (
	"regexp"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Filter returns the argument value that selects just the benchmark named name in format f's
// harness, ok false when the harness cannot select one (hyperfine). name is the benchmark's name
// as gate shows it (without "Benchmark"), or as the harness shows it:
//
//   - criterion and bencher: a regular expression for the filter argument of
//     "cargo bench -- FILTER", anchored at both ends and with every metacharacter escaped.
//     Since a converted name's "_" may stand for whitespace, and a final "_<digits>" for
//     "-<digits>" (see the package doc), those positions match any of them: the expression
//     selects the benchmarks that convert to name, which gate could not tell apart anyway.
//     (libtest's own #[bench] harness takes a substring, not an expression: give it the name
//     with --exact.)
//   - gbench: the same for --benchmark_filter, in POSIX extended syntax (Google Benchmark
//     compiles it with std::regex or regcomp), so whitespace is [[:space:]].
//   - pytest-benchmark: the test's name for -k. -k matches substrings of test names, so it may
//     select more tests than the one (test_sort also selects test_sort_big): keep the named
//     benchmark's results. A parametrized name whose parameters -k cannot express (a space, or
//     "_" that may have been one) is cut to the test function's name, which selects all its
//     parameters; a node ID (used when two modules have tests of one name) to its last part.
//   - go: the -bench expression of go test, each "/" level anchored, without the -GOMAXPROCS
//     suffix (which go test's -cpu sets).
//   - hyperfine: none; it runs the commands it is given.
func Filter(f Format, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	switch f {
	case Criterion, Bencher, GoogleBenchmark:
		return "^" + nameRegexp(name) + "$", true
	case Pytest:
		return pytestKeyword(name), true
	case Go:
		return goBench(name), true
	}
	return "", false
}

// nameRegexp quotes name, letting each "_" match whitespace too, and a final "_<digits>" match
// "-<digits>": the converted name's positions that goName may have changed. Whitespace is the
// ASCII class [:space:], which every engine here reads alike: Google Benchmark's POSIX regular
// expressions know no \s, and criterion's Rust regex is built without the Unicode tables that
// its \s needs (it panics on one).
func nameRegexp(name string) string {
	const space = `[:space:]`
	final := len(name) // where the final "_<digits>" starts, if it does
	i := len(name)
	for i > 0 && '0' <= name[i-1] && name[i-1] <= '9' {
		i--
	}
	if i < len(name) && i > 0 && name[i-1] == '_' {
		final = i - 1
	}
	var b strings.Builder
	for j := 0; j < len(name); {
		k := strings.IndexAny(name[j:], "_ \t\n\v\f\r")
		if k < 0 {
			b.WriteString(regexp.QuoteMeta(name[j:]))
			break
		}
		b.WriteString(regexp.QuoteMeta(name[j : j+k]))
		if j+k == final {
			b.WriteString("[-_" + space + "]")
		} else {
			b.WriteString("[_" + space + "]")
		}
		j += k + 1
	}
	return b.String()
}

// pytestKeyword is name as a -k expression (see Filter).
func pytestKeyword(name string) string {
	if i := strings.LastIndex(name, "::"); i >= 0 {
		name = name[i+2:]
	}
	if fn, params, ok := strings.Cut(name, "["); ok && !keywordSafe.MatchString(params) {
		return fn
	}
	return name
}

// keywordSafe is what a -k identifier may hold (pytest 7: letters, digits, "_", ":", "+",
// "-", ".", "[", "]", "\", "/"), less "_", which in a converted parameter may have been a space.
var keywordSafe = regexp.MustCompile(`^[\p{L}\p{N}:+\-.\[\]\\/]*$`)

// goBench is a Go benchmark name as a go test -bench expression.
func goBench(name string) string {
	base, parts := benchfmt.Name(name).Parts()
	var b strings.Builder
	b.WriteString("^" + regexp.QuoteMeta("Benchmark"+strings.TrimPrefix(string(base), "Benchmark")) + "$")
	for _, p := range parts {
		if p[0] == '/' {
			b.WriteString("/^" + regexp.QuoteMeta(string(p[1:])) + "$")
		}
	}
	return b.String()
}
