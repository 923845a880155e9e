#!/usr/bin/env bash
# Regenerates the committed reports with the real tools (pip install pytest coverage).
set -euo pipefail
cd "$(dirname "$0")"
PYTHONPATH=src python3 -m coverage run --branch --source=src -m pytest -q --junitxml=reports/junit.xml tests || true
python3 -m coverage xml -o reports/coverage.xml
python3 -m coverage lcov -o reports/coverage.lcov
rm -f .coverage
