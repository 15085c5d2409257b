package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// object is a JSON object of a harness output being read. Errors about its fields name the file
// and the field's JSON path (benchmarks[3].real_time) and say what was expected, so that a
// truncated or hand-edited output can be found and fixed. Objects are read as maps, not
// structs: encoding/json matches struct fields case-insensitively and skips wrong types
// silently, and a harness's keys are exact.
type object struct {
	file string
	path string // "" at the top level
	m    map[string]json.RawMessage
}

// parseObject parses a whole document, which must be an object; what names the document
// expected, for errors.
func parseObject(file string, data []byte, what string) (object, error) {
	data = markNonFinite(data)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			if se.Error() == "unexpected end of JSON input" {
				line, col := position(data, se.Offset)
				return object{}, fmt.Errorf("%s:%d:%d: the JSON ends early (truncated?); expected %s", file, line, col, what)
			}
			// The offset is just past the character that is wrong.
			line, col := position(data, se.Offset-1)
			return object{}, fmt.Errorf("%s:%d:%d: invalid JSON: %v; expected %s", file, line, col, se, what)
		}
		return object{}, fmt.Errorf("%s: the JSON is %s; expected %s", file, kind(bytes.TrimSpace(data)), what)
	}
	if m == nil {
		return object{}, fmt.Errorf("%s: the JSON is null; expected %s", file, what)
	}
	return object{file: file, m: m}, nil
}

// JSON has no NaN or infinities, but Python's json module (pytest-benchmark) and Google
// Benchmark write them as NaN, Infinity and -Infinity, which encoding/json refuses. Rather
// than refuse a whole output for one such statistic, markNonFinite replaces each outside a
// string by a string of the same length (so positions in errors stay right), which a field read
// as a number reports as not finite.
var nonFinite = []struct{ token, mark string }{
	{"-Infinity", `"-Infini"`}, {"Infinity", `"Infini"`}, {"-NaN", `"-N"`}, {"NaN", `"N"`},
}

func markNonFinite(data []byte) []byte {
	copied := false
	inString, escaped := false, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
			continue
		}
		if c != '-' && c != 'I' && c != 'N' {
			continue
		}
		for _, nf := range nonFinite {
			if bytes.HasPrefix(data[i:], []byte(nf.token)) {
				if !copied {
					data, copied = bytes.Clone(data), true
				}
				copy(data[i:], nf.mark)
				i += len(nf.mark) - 1
				break
			}
		}
	}
	return data
}

// isNonFinite reports whether raw is a value markNonFinite made.
func isNonFinite(raw json.RawMessage) bool {
	for _, nf := range nonFinite {
		if string(raw) == nf.mark {
			return true
		}
	}
	return false
}

// position turns a byte offset into a line and column, both from 1.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	return line, int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

// kind names a JSON value's type, for "got ..." in errors.
func kind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (o object) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

func (o object) has(key string) bool {
	raw, ok := o.m[key]
	return ok && string(raw) != "null"
}

// errorf makes an error about o's field key.
func (o object) errorf(key, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", o.file, o.at(key), fmt.Sprintf(format, args...))
}

// value decodes field key into v when it is present and not null.
func (o object) value(key, want string, v any) (bool, error) {
	raw, ok := o.m[key]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	if isNonFinite(raw) {
		return false, o.errorf(key, "expected %s, got NaN or an infinity", want)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		got := kind(raw)
		if got == "a number" {
			got = fmt.Sprintf("%.40s", raw)
		}
		return false, o.errorf(key, "expected %s, got %s", want, got)
	}
	return true, nil
}

func (o object) number(key string) (float64, bool, error) {
	var f float64
	ok, err := o.value(key, "a number", &f)
	return f, ok, err
}

func (o object) str(key string) (string, bool, error) {
	var s string
	ok, err := o.value(key, "a string", &s)
	return s, ok, err
}

// requiredStr returns field key, a string that must be there; want says what it is.
func (o object) requiredStr(key, want string) (string, error) {
	s, ok, err := o.str(key)
	if err == nil && !ok {
		err = o.need(key, want)
	}
	return s, err
}

func (o object) boolean(key string) (bool, error) {
	var b bool
	_, err := o.value(key, "true or false", &b)
	return b, err
}

// need is an error for a missing required field.
func (o object) need(key, want string) error {
	return o.errorf(key, "missing; expected %s", want)
}

// object returns field key as an object.
func (o object) object(key string) (object, bool, error) {
	var m map[string]json.RawMessage
	ok, err := o.value(key, "an object", &m)
	return object{file: o.file, path: o.at(key), m: m}, ok, err
}

// array returns field key as an array of raw values.
func (o object) array(key string) ([]json.RawMessage, bool, error) {
	var a []json.RawMessage
	ok, err := o.value(key, "an array", &a)
	return a, ok, err
}

// numbers returns field key as an array of numbers.
func (o object) numbers(key string) ([]float64, bool, error) {
	a, ok, err := o.array(key)
	if !ok || err != nil {
		return nil, ok, err
	}
	fs := make([]float64, len(a))
	for i, raw := range a {
		if err := json.Unmarshal(raw, &fs[i]); err != nil || isNonFinite(raw) {
			got := kind(raw)
			if isNonFinite(raw) {
				got = "NaN or an infinity"
			}
			return nil, false, fmt.Errorf("%s: %s[%d]: expected a finite number, got %s", o.file, o.at(key), i, got)
		}
	}
	return fs, true, nil
}

// elem returns element i of the array at field key as an object.
func (o object) elem(key string, i int, raw json.RawMessage) (object, error) {
	var m map[string]json.RawMessage
	path := fmt.Sprintf("%s[%d]", o.at(key), i)
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return object{}, fmt.Errorf("%s: %s: expected an object, got %s", o.file, path, kind(raw))
	}
	return object{file: o.file, path: path, m: m}, nil
}

// detectJSON tells the JSON formats apart by their top-level keys (see Detect).
func detectJSON(name string, data []byte) (Format, error) {
	o, err := parseObject(name, data, "the JSON of Google Benchmark, pytest-benchmark or hyperfine")
	if err != nil {
		return "", err
	}
	switch {
	case o.has("benchmarks") && o.has("context"):
		return GoogleBenchmark, nil
	case o.has("benchmarks") && o.has("machine_info"):
		return Pytest, nil
	case o.has("results"):
		results, _, err := o.array("results")
		if err != nil {
			return "", err
		}
		for i, raw := range results {
			r, err := o.elem("results", i, raw)
			if err != nil {
				return "", err
			}
			if r.has("command") && (r.has("times") || r.has("mean")) {
				return Hyperfine, nil
			}
		}
	case o.has("iters") && o.has("times"):
		return "", fmt.Errorf("%s: a criterion sample.json; give gate its directory, target/criterion (or a directory under it)", name)
	}
	return "", fmt.Errorf("%s: JSON with none of the keys gate knows; expected Google Benchmark's (\"benchmarks\" and \"context\"), pytest-benchmark's (\"benchmarks\" and \"machine_info\") or hyperfine's (\"results\" with \"command\" and \"times\")", name)
}
