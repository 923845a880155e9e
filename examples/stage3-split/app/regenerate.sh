#!/usr/bin/env bash
# Regenerates the test and coverage reports with the real tools (pip install pytest coverage).
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONPATH=src
python3 -m coverage run --branch --source=src -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml tests/test_cart.py tests/test_server.py || true
python3 -m coverage xml -o reports/coverage.xml
python3 -m pytest -q -p no:cacheprovider --junitxml=reports/e2e-junit.xml tests/e2e || true
rm -f .coverage
