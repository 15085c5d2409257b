#!/usr/bin/env bash
# Regenerates the captured pytest-benchmark output of test_fixture.py:
#   data.json   --benchmark-json, which always holds every round's time ("data")
#   saved.json  a run stored with --benchmark-save (as --benchmark-autosave does) without
#               --benchmark-save-data: the same JSON with only each benchmark's statistics
#   PYTHON  the Python with pytest and pytest-benchmark installed (default: python3)
set -euo pipefail
cd "$(dirname "$0")"
storage=$(mktemp -d)
trap 'rm -rf "$storage"' EXIT
# Few rounds (each at least 0.5 ms, about 2 ms in all, at least 5): small files.
opts=(-q -p no:cacheprovider --benchmark-min-time=0.0005 --benchmark-max-time=0.002 --benchmark-min-rounds=5)
"${PYTHON:-python3}" -m pytest "${opts[@]}" --benchmark-json=data.json test_fixture.py
"${PYTHON:-python3}" -m pytest "${opts[@]}" --benchmark-save=saved --benchmark-storage="file://$storage" test_fixture.py
cp "$storage"/*/*_saved.json saved.json
