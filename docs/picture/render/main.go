// Command render turns a comment's markdown into an HTML page styled like a GitHub comment,
// for a headless browser to take the README's picture of, and crops that picture's empty
// bottom: make.sh runs both.
//
//	go run ./docs/picture/render html report.md > comment.html
//	go run ./docs/picture/render crop comment.png
package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) != 2 {
		return errors.New("usage: render html REPORT.md > PAGE.html | render crop PICTURE.png")
	}
	switch args[0] {
	case "html":
		md, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		page, err := toHTML(md)
		if err != nil {
			return fmt.Errorf("%s: %w", args[1], err)
		}
		_, err = os.Stdout.Write(page)
		return err
	case "crop":
		return crop(args[1])
	}
	return fmt.Errorf("unknown mode %q: want html or crop", args[0])
}

// toHTML renders markdown as GitHub renders a comment: GitHub Flavored Markdown, with the HTML
// a comment may hold (<details>, <summary>) passed through. The markdown is gate's own
// rendering of a report, which escapes everything a pull request wrote.
func toHTML(md []byte) ([]byte, error) {
	var body bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe())).Convert(md, &body); err != nil {
		return nil, err
	}
	var page bytes.Buffer
	fmt.Fprintf(&page, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>%s</style></head><body><div class=\"comment\"><div class=\"header\"><b>github-actions</b> <span class=\"bot\">bot</span> commented</div><div class=\"body\">%s</div></div></body></html>\n", style, body.Bytes())
	return page.Bytes(), nil
}

// style is close enough to GitHub's comment styles for a picture: its fonts, table borders and
// stripes, code spans, the comment's frame.
const style = `
body { margin: 16px; background: #fff; color: #1f2328; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
.comment { border: 1px solid #d0d7de; border-radius: 6px; max-width: 1100px; }
.header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; border-radius: 6px 6px 0 0; color: #59636e; }
.header b { color: #1f2328; }
.bot { border: 1px solid #d0d7de; border-radius: 2em; padding: 0 7px; font-size: 12px; }
.body { padding: 16px; }
h1, h2, h3 { margin: 8px 0 16px; font-weight: 600; line-height: 1.25; }
h3 { font-size: 1.25em; }
p, ul, table, details, pre { margin: 0 0 16px; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { border: 1px solid #d0d7de; padding: 6px 13px; }
th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
code { font: 85% ui-monospace, "DejaVu Sans Mono", monospace; background: rgba(175, 184, 192, .2); padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; }
pre code { background: none; padding: 0; }
summary { cursor: pointer; }
a { color: #0969da; text-decoration: none; }
`

// crop cuts the picture at the last row that is not the page's white, with a margin.
func crop(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b := img.Bounds()
	last := b.Min.Y
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				last = y
				break
			}
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), min(b.Dy(), last-b.Min.Y+17)))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
