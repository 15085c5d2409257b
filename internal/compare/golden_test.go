package compare_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/comment"
	"github.com/benchgate/benchgate/internal/compare"
	"github.com/benchgate/benchgate/internal/config"
	"github.com/benchgate/benchgate/internal/golden"
	"github.com/benchgate/benchgate/internal/report"
)

// goldenCases are the input pairs whose every number must equal benchstat's. Each directory
// holds old.txt and new.txt, and benchstat.csv: the output of
// "benchstat -format csv old.txt new.txt" from the x/perf version in go.mod (-update rewrites it).
func goldenCases(t *testing.T) []string {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) < 8 {
		t.Fatalf("want at least 8 golden cases in testdata/golden, have %d (%v)", len(dirs), err)
	}
	return dirs
}

// benchstat builds the benchstat command of the x/perf version this module requires.
func benchstat(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "benchstat")
	out, err := exec.Command("go", "build", "-o", bin, "golang.org/x/perf/cmd/benchstat").CombinedOutput()
	if err != nil {
		t.Fatalf("building benchstat: %v\n%s", err, out)
	}
	return bin
}

func runBenchstat(t *testing.T, bin, dir string) []byte {
	t.Helper()
	cmd := exec.Command(bin, "-format", "csv", "old.txt", "new.txt")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("benchstat in %s: %v", dir, err)
	}
	return out
}

// TestGoldensAreBenchstatOutput proves that the golden files are what benchstat prints today, so
// that the equality checked by TestMatchesBenchstat is equality with benchstat itself.
func TestGoldensAreBenchstatOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchstat")
	}
	bin := benchstat(t)
	for _, dir := range goldenCases(t) {
		golden.Check(t, filepath.Join(dir, "benchstat.csv"), runBenchstat(t, bin, dir))
	}
}

// TestMatchesBenchstat checks every center, interval, delta, p-value, sample count and geomean
// of the report against benchstat's output for the same files.
func TestMatchesBenchstat(t *testing.T) {
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg := config.Default()
			rep := compareFiles(t, cfg, filepath.Join(dir, "old.txt"), filepath.Join(dir, "new.txt"))
			rows := readBenchstatCSV(t, filepath.Join(dir, "benchstat.csv"))
			checkAgainst(t, rep, rows, cfg.Alpha)
		})
	}
}

func compareFiles(t *testing.T, cfg *config.Config, old, new string) *report.Report {
	t.Helper()
	var inputs []compare.Input
	for i, path := range []string{old, new} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		inputs = append(inputs, compare.Input{Name: path, R: f, Side: []report.Side{report.Base, report.Head}[i]})
	}
	rep, err := compare.Compare(inputs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// bsRow is one row of a benchstat CSV table: the configuration in force, the unit, the row label
// and the cells (base center, base CI, head center, head CI, delta, p).
type bsRow struct {
	config map[string]string
	unit   string
	name   string
	cells  []string
}

func readBenchstatCSV(t *testing.T, path string) []bsRow {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cfg := map[string]string{}
	unit := ""
	var rows []bsRow
	for _, rec := range recs {
		switch {
		case len(rec) == 1 && strings.Contains(rec[0], ": "):
			k, v, _ := strings.Cut(rec[0], ": ")
			cfg = clone(cfg)
			cfg[k] = v
		case len(rec) == 1:
			// blank line between tables
		case rec[0] == "" && len(rec) > 2 && rec[2] == "CI":
			unit = rec[1]
		case rec[0] == "":
			// column labels (file names)
		default:
			rows = append(rows, bsRow{config: cfg, unit: unit, name: rec[0], cells: append(rec[1:], make([]string, 6)...)[:6]})
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no rows", path)
	}
	return rows
}

func clone(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func checkAgainst(t *testing.T, rep *report.Report, rows []bsRow, alpha float64) {
	t.Helper()
	matches := func(cfg map[string]string, unit string, row bsRow) bool {
		if unit != row.unit {
			return false
		}
		for k, v := range cfg {
			if row.config[k] != v {
				return false
			}
		}
		return true
	}
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return fmt.Sprint(*p)
	}
	seen := map[*report.Comparison]bool{}
	checked := 0
	for _, row := range rows {
		where := fmt.Sprintf("%s %s %s", row.config["pkg"], row.unit, row.name)
		if row.name == "geomean" {
			var g *report.Geomean
			for i := range rep.Geomeans {
				if matches(rep.Geomeans[i].Config, rep.Geomeans[i].Unit, row) {
					g = &rep.Geomeans[i]
				}
			}
			if g == nil {
				continue // a one-row table: benchstat's CSV has a geomean, its text and our report do not
			}
			base, head := num(g.Base), num(g.Head)
			_, _, delta := comment.GeomeanCells(g)
			if base != row.cells[0] || head != row.cells[2] || delta != row.cells[4] {
				t.Errorf("%s: geomean %s %s %s, benchstat %s %s %s", where, base, head, delta, row.cells[0], row.cells[2], row.cells[4])
			}
			checked++
			continue
		}
		var c *report.Comparison
		for i := range rep.Comparisons {
			rc := &rep.Comparisons[i]
			if rc.Benchmark == row.name && matches(rc.Config, rc.Unit, row) {
				c = rc
			}
		}
		if c == nil {
			t.Errorf("%s: in benchstat's output, not in the report", where)
			continue
		}
		seen[c] = true
		checked++
		side := func(s *report.Summary, center, ci string) {
			if s == nil {
				if center != "" {
					t.Errorf("%s: side missing in report, benchstat has %s ± %s", where, center, ci)
				}
				return
			}
			if got := fmt.Sprint(s.Center); got != center {
				t.Errorf("%s: center %s, benchstat %s", where, got, center)
			}
			if got := comment.PctRange(s); got != ci {
				t.Errorf("%s: ± %s, benchstat %s", where, got, ci)
			}
		}
		side(c.Base, row.cells[0], row.cells[1])
		side(c.Head, row.cells[2], row.cells[3])
		if row.cells[4] == "" {
			if c.P != nil {
				t.Errorf("%s: report compares, benchstat does not", where)
			}
			continue
		}
		// benchstat judges the delta on the raw p-value.
		raw := *c
		raw.PAdjusted = raw.P
		if got := comment.Delta(&raw, alpha); got != row.cells[4] {
			t.Errorf("%s: delta %s, benchstat %s", where, got, row.cells[4])
		}
		if got := comment.Stat(c); got != row.cells[5] {
			t.Errorf("%s: %s, benchstat %s", where, got, row.cells[5])
		}
	}
	if len(seen) != len(rep.Comparisons) {
		t.Errorf("report has %d comparisons, benchstat's output %d", len(rep.Comparisons), len(seen))
	}
	if checked == 0 {
		t.Error("nothing checked")
	}
}
