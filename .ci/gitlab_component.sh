#!/usr/bin/env bash
# The GitLab CI/CD component (templates/gonogo/template.yml), checked two ways:
# - each of its two YAML documents (the `spec:` header, the job) against the gitlab-ci schema;
# - its job run by gitlab-ci-local (npm; shell executor, the gonogo just built on PATH) in a
#   throwaway repository holding the stage-1 example, then every artifact and report the job
#   declares must exist.
#
# usage: .ci/gitlab_component.sh CHECK_JSONSCHEMA GONOGO_BINARY
set -euo pipefail
CJ=$1
GONOGO_DIR=$(dirname "$(realpath "$2")")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
COMPONENT="$ROOT/templates/gonogo/template.yml"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/gonogo-ci"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$COMPONENT" "$WORK" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
header, job = text.split("\n---\n")
open(f"{sys.argv[2]}/spec.yml", "w").write(header)
open(f"{sys.argv[2]}/job.yml", "w").write(job)
PY
"$CJ" --builtin-schema vendor.gitlab-ci "$WORK/spec.yml" "$WORK/job.yml"

# gitlab-ci-local 4.60 runs on Node 20 (later versions need Node 22) and copies with rsync.
GCL="$CACHE/gcl/node_modules/.bin/gitlab-ci-local"
if [ ! -x "$GCL" ]; then
  npm install --no-audit --no-fund --silent --prefix "$CACHE/gcl" gitlab-ci-local@4.60
fi
if ! command -v rsync >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null
fi

REPO="$WORK/project"
mkdir -p "$REPO/templates/gonogo"
cp "$COMPONENT" "$REPO/templates/gonogo/"
cp "$ROOT/examples/stage1-opportunity/gonogo.yaml" "$ROOT/examples/stage1-opportunity/onboarding.yaml" "$REPO/"
cat >"$REPO/.gitlab-ci.yml" <<'YML'
stages: [test]
include:
  - local: templates/gonogo/template.yml
    inputs:
      image: registry.example.invalid/gonogo:ci
      gate-stage: "1"
      strict: true
      args: --next
YML
git -C "$REPO" init -q
git -C "$REPO" add -A
git -C "$REPO" -c user.email=ci@example.invalid -c user.name=ci commit -qm "a project with the component"

(cd "$REPO" && PATH="$GONOGO_DIR:$PATH" "$GCL" --force-shell-executor gonogo) >"$WORK/job.log" 2>&1 || {
  echo "FAIL: the component's job failed"; cat "$WORK/job.log"; exit 1
}
grep -q "GO  " "$WORK/job.log" || { echo "FAIL: no verdict in the job's log"; cat "$WORK/job.log"; exit 1; }

# Every declared artifact: `paths` exported by gitlab-ci-local, `reports` written by the job.
# The venv's Python reads YAML (ruamel.yaml comes with check-jsonschema).
"$(dirname "$CJ")/python" - "$REPO" <<'PY'
import json, os, sys
from ruamel.yaml import YAML
repo = sys.argv[1]
expanded = os.path.join(repo, ".gitlab-ci-local", "expanded-gitlab-ci.yml")
artifacts = YAML(typ="safe").load(open(expanded, encoding="utf-8"))["gonogo"]["artifacts"]
paths = list(artifacts["paths"])
reports = list(artifacts["reports"].values())
exported = os.path.join(repo, ".gitlab-ci-local", "artifacts", "gonogo")
missing = [p for p in paths if not os.path.isfile(os.path.join(exported, p))]
missing += [r for r in reports if not os.path.isfile(os.path.join(repo, r))]
if not paths or not reports or missing:
    print(f"FAIL: declared paths {paths}, reports {reports}; missing {missing}")
    sys.exit(1)
verdict = json.load(open(os.path.join(exported, "gonogo-verdict.json")))
if verdict["decision"] != "go":
    print(f"FAIL: the stage-1 example should be GO, got {verdict['decision']}")
    sys.exit(1)
print(f"ok component job: artifacts {paths} (expose_as: {artifacts['expose_as']!r}), reports {reports}, decision {verdict['decision']}")
PY
