#!/usr/bin/env python3
"""Validates the YAML snippets of docs/*.md that say what they are.

A fenced ```yaml block whose first line is a marker comment is written to a file and checked:

    # validate: github-workflow   check-jsonschema --builtin-schema vendor.github-workflows
    # validate: github-action     check-jsonschema --builtin-schema vendor.github-actions
    # validate: gitlab-ci         check-jsonschema --builtin-schema vendor.gitlab-ci
    # validate: gonogo-config     check-jsonschema --schemafile <`gonogo schema config`>

Blocks without a marker are listed, not checked (rule snippets, fragments). An unknown marker,
a block that fails, or a marker-bearing doc set with no checked block at all is an error.

usage: validate_docs.py CHECK_JSONSCHEMA GONOGO_BINARY DOC...
"""

import os
import re
import subprocess
import sys
import tempfile

SCHEMAS = {
    "github-workflow": ["--builtin-schema", "vendor.github-workflows"],
    "github-action": ["--builtin-schema", "vendor.github-actions"],
    "gitlab-ci": ["--builtin-schema", "vendor.gitlab-ci"],
}
FENCE = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
MARKER = re.compile(r"^#\s*validate:\s*([a-z0-9-]+)\s*$")


def main() -> int:
    checker, gonogo, docs = sys.argv[1], sys.argv[2], sys.argv[3:]
    failures = checked = skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        config_schema = os.path.join(tmp, "gonogo-config.schema.json")
        with open(config_schema, "w") as f:
            subprocess.run([gonogo, "schema", "config"], stdout=f, check=True)
        schemas = dict(SCHEMAS, **{"gonogo-config": ["--schemafile", config_schema]})
        for doc in docs:
            text = open(doc, encoding="utf-8").read()
            for n, m in enumerate(FENCE.finditer(text), 1):
                block = m.group(1)
                line = text[: m.start()].count("\n") + 1
                first = block.split("\n", 1)[0]
                marker = MARKER.match(first)
                where = f"{doc}:{line}"
                if not marker:
                    skipped += 1
                    print(f"not validated (no marker): {where}")
                    continue
                kind = marker.group(1)
                if kind not in schemas:
                    failures += 1
                    print(f"FAIL {where}: unknown marker `{kind}` (known: {', '.join(sorted(schemas))})")
                    continue
                path = os.path.join(tmp, f"{os.path.basename(doc)}-{n}.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(block)
                result = subprocess.run(
                    [checker, *schemas[kind], path], capture_output=True, text=True
                )
                checked += 1
                if result.returncode != 0:
                    failures += 1
                    print(f"FAIL {where} ({kind}):\n{result.stdout}{result.stderr}")
                else:
                    print(f"ok {where} ({kind})")
    print(f"doc snippets: {checked} validated, {skipped} without marker, {failures} failed")
    if checked == 0:
        print("FAIL: no snippet was validated")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
