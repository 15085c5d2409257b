#!/usr/bin/env bash
# Makes docs/picture/comment.png, the README's picture of a pull request comment, from a real
# report: gate run measures the demo module (docs/picture/demo) at a base commit and at a head
# that walks the cart six times instead of five in Total and allocates twice in Tags, as a pull
# request would; the report (report.json, report.md) and the terminal's table (terminal.txt) are
# kept beside the picture; then headless Chromium renders the comment's markdown.
#
#   bash docs/picture/make.sh            # measure, then render
#   bash docs/picture/make.sh --render   # render the kept report.md again
#
# Needs Go, git and Chromium (Debian: apt-get install chromium fonts-noto-color-emoji).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "make.sh: no Chromium on PATH (Debian: apt-get install chromium fonts-noto-color-emoji)" >&2
  exit 2
fi

if [ "${1:-}" != "--render" ]; then
  (cd "$root" && go build -o "$tmp/gate" ./cmd/gate)
  repo="$tmp/shop"
  cp -r "$here/demo" "$repo"
  git() { command git -C "$repo" -c user.name=demo -c user.email=demo@example.com "$@"; }
  git init -q -b main
  git add -A
  git commit -qm "shop: totals, tags, index"
  sed -i 's/^const passes = 5/const passes = 6/; s/^const tagCopies = 1/const tagCopies = 2/' "$repo/shop.go"
  git commit -qam "shop: check the cart once more, copy the tags"
  status=0
  # Only Go's and the system's directories on PATH: the report shows no other tools' paths.
  (cd "$repo" && PATH="$(dirname "$(command -v go)"):/usr/bin:/bin" "$tmp/gate" run --base HEAD~1 --head HEAD \
    --benchtime 100ms --out "$tmp/out") >"$tmp/terminal.txt" || status=$?
  cat "$tmp/terminal.txt"
  if [ "$status" -gt 1 ]; then
    echo "make.sh: gate run failed (exit $status)" >&2
    exit "$status"
  fi
  cp "$tmp/terminal.txt" "$tmp/out/report.json" "$tmp/out/report.md" "$here/"
fi

(cd "$root" && go run ./docs/picture/render html "$here/report.md") >"$tmp/comment.html"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,3000 \
  --screenshot="$tmp/comment.png" "file://$tmp/comment.html" 2>/dev/null
(cd "$root" && go run ./docs/picture/render crop "$tmp/comment.png")
cp "$tmp/comment.png" "$here/comment.png"
echo "wrote $here/comment.png"
