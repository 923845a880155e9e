#!/usr/bin/env python3
"""Checks gonogo's in-toto statement with the in-toto project's own Python bindings.

The cargo tests validate the statement against a JSON Schema written from the spec
(tests/fixtures/attestation); this reads it as in-toto's reference code does: parsed into the
Statement protobuf (an unknown field is an error) and `Statement.validate()`.

usage: intoto_check.py GONOGO_BINARY
"""

import os
import subprocess
import sys
import tempfile

from google.protobuf import json_format
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.statement import Statement

PACK = """pack: team
title: T
stages: [{number: 4, id: production, title: Production}]
rules:
  - {id: T-RAN, title: Tests ran, why: w, reference: r, level: fail, check: {kind: tests}}
"""
JUNIT = '<testsuite name="s" tests="1"><testcase classname="c" name="a"/></testsuite>'
SUBJECT = "registry.example.org/team/api@sha256:" + "4f1c" * 16


def main() -> int:
    gonogo = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in {
            "team.yaml": PACK,
            "junit.xml": JUNIT,
            "gonogo.yaml": "pack: team\nrules: [team.yaml]\nstage: production\n"
            "sources:\n  tests: {path: junit.xml}\n",
        }.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        run = subprocess.run(
            [gonogo, "check", "--subject", SUBJECT, "--report", "intoto=statement.json"],
            cwd=tmp, capture_output=True, text=True,
        )
        if run.returncode != 0:
            print(f"FAIL: gonogo check exited {run.returncode}\n{run.stdout}{run.stderr}")
            return 1
        with open(os.path.join(tmp, "statement.json"), encoding="utf-8") as f:
            pb = json_format.Parse(f.read(), statement_pb2.Statement())
        Statement.copy_from_pb(pb).validate()
        if pb.predicate["decision"] != "go" or pb.subject[0].digest["sha256"] != "4f1c" * 16:
            print(f"FAIL: unexpected statement: {pb}")
            return 1
    print(f"in-toto-attestation: the statement is a valid Statement v1 ({pb.predicate_type})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
