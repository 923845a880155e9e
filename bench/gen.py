#!/usr/bin/env python3
"""Deterministic, streaming generator of large realistic reports for bench/parsers.sh.

    gen.py junit|cobertura|lcov|trivy SIZE_MIB OUT

Writes until the file reaches SIZE_MIB, in chunks, so memory stays flat whatever the size. The
shapes follow the real tools: Surefire/pytest-style JUnit (suites, properties, failures with
stack traces, skipped, system-out), coverage.py/Cobertura (packages, classes, lines with
branch conditions), lcov/geninfo (TN/SF/FN/FNDA/DA/BRDA/LF/LH), and Trivy image JSON
(SchemaVersion 2, Results[].Vulnerabilities[] with CVSS). A fixed seed makes every run
byte-identical.
"""
import random
import sys

CHUNK = 1 << 20


class Out:
    def __init__(self, path, limit):
        self.f = open(path, "w", encoding="utf-8", newline="\n")
        self.buf = []
        self.size = 0
        self.pending = 0
        self.limit = limit

    def w(self, s):
        self.buf.append(s)
        self.pending += len(s)
        if self.pending >= CHUNK:
            self.flush()

    def flush(self):
        data = "".join(self.buf)
        self.f.write(data)
        self.size += len(data.encode("utf-8"))
        self.buf, self.pending = [], 0

    def full(self):
        return self.size + self.pending >= self.limit

    def close(self):
        self.flush()
        self.f.close()


WORDS = "order cart payment invoice user account session token report export import parser cache queue retry".split()


def junit(o, rnd):
    o.w('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n')
    s = 0
    while not o.full():
        s += 1
        pkg = f"com.acme.{rnd.choice(WORDS)}.{rnd.choice(WORDS)}{s % 97}"
        cls = f"{pkg}.{rnd.choice(WORDS).title()}{s}Test"
        n = rnd.randint(20, 60)
        cases, failures, skipped = [], 0, 0
        for t in range(n):
            name = f"should_{rnd.choice(WORDS)}_{rnd.choice(WORDS)}_when_{rnd.choice(WORDS)}_{t}"
            time = f"{rnd.random() * 0.5:.4f}"
            r = rnd.random()
            if r < 0.02:
                failures += 1
                cases.append(f'    <testcase name="{name}" classname="{cls}" time="{time}">\n')
                cases.append(f'      <failure message="expected: &lt;{t}&gt; but was: &lt;{t + 1}&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: expected: &lt;{t}&gt; but was: &lt;{t + 1}&gt;\n')
                for k in range(8):
                    cases.append(f"\tat {cls}.{name}({cls.rsplit('.', 1)[1]}.java:{40 + k})\n")
                cases.append("</failure>\n      <system-out><![CDATA[2026-11-29 10:00:00 INFO starting\n]]></system-out>\n    </testcase>\n")
            elif r < 0.04:
                skipped += 1
                cases.append(f'    <testcase name="{name}" classname="{cls}" time="0">\n      <skipped message="disabled on CI"/>\n    </testcase>\n')
            else:
                cases.append(f'    <testcase name="{name}" classname="{cls}" time="{time}"/>\n')
        o.w(f'  <testsuite name="{cls}" tests="{n}" failures="{failures}" errors="0" skipped="{skipped}" time="{rnd.random() * 9:.3f}" timestamp="2026-11-29T10:00:00" hostname="runner-{s % 7}">\n')
        o.w('    <properties>\n      <property name="java.version" value="21.0.5"/>\n      <property name="os.name" value="Linux"/>\n    </properties>\n')
        o.w("".join(cases))
        o.w("  </testsuite>\n")
    o.w("</testsuites>\n")


def cobertura(o, rnd):
    o.w('<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n')
    o.w('<coverage version="7.6.1" timestamp="1764410000000" lines-valid="0" lines-covered="0" line-rate="0.8" branches-covered="0" branches-valid="0" branch-rate="0.5" complexity="0">\n')
    o.w("  <sources>\n    <source>/builds/acme/shop/src</source>\n  </sources>\n  <packages>\n")
    p = 0
    while not o.full():
        p += 1
        pkg = f"shop.{rnd.choice(WORDS)}{p}"
        o.w(f'    <package name="{pkg}" line-rate="0.8" branch-rate="0.5" complexity="0">\n      <classes>\n')
        for c in range(rnd.randint(5, 15)):
            fname = f"{pkg.replace('.', '/')}/{rnd.choice(WORDS)}_{c}.py"
            o.w(f'        <class name="{rnd.choice(WORDS)}_{c}.py" filename="{fname}" complexity="0" line-rate="0.8" branch-rate="0.5">\n          <methods/>\n          <lines>\n')
            for ln in range(1, rnd.randint(40, 200)):
                hits = 0 if rnd.random() < 0.2 else rnd.randint(1, 50)
                if rnd.random() < 0.1:
                    cov = rnd.choice([(1, 2), (2, 2), (0, 2)])
                    o.w(f'            <line number="{ln}" hits="{hits}" branch="true" condition-coverage="{cov[0] * 50}% ({cov[0]}/{cov[1]})" missing-branches="{ln + 3}"/>\n')
                else:
                    o.w(f'            <line number="{ln}" hits="{hits}"/>\n')
            o.w("          </lines>\n        </class>\n")
        o.w("      </classes>\n    </package>\n")
    o.w("  </packages>\n</coverage>\n")


def lcov(o, rnd):
    f = 0
    while not o.full():
        f += 1
        o.w(f"TN:\nSF:/builds/acme/shop/src/{rnd.choice(WORDS)}/{rnd.choice(WORDS)}_{f}.ts\n")
        nfn = rnd.randint(3, 20)
        for k in range(nfn):
            o.w(f"FN:{k * 10 + 1},{rnd.choice(WORDS)}{k}\n")
        for k in range(nfn):
            o.w(f"FNDA:{rnd.randint(0, 9)},{rnd.choice(WORDS)}{k}\n")
        o.w(f"FNF:{nfn}\nFNH:{nfn - 1}\n")
        lines = rnd.randint(40, 300)
        hit = 0
        for ln in range(1, lines):
            n = 0 if rnd.random() < 0.2 else rnd.randint(1, 99)
            hit += n > 0
            o.w(f"DA:{ln},{n}\n")
            if rnd.random() < 0.08:
                o.w(f"BRDA:{ln},0,0,{rnd.randint(0, 3)}\nBRDA:{ln},0,1,-\n")
        o.w(f"LF:{lines - 1}\nLH:{hit}\nend_of_record\n")


SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "MEDIUM", "LOW", "LOW", "UNKNOWN"]


def trivy(o, rnd):
    o.w('{\n  "SchemaVersion": 2,\n  "CreatedAt": "2026-11-29T10:00:00Z",\n  "ArtifactName": "harbor.example/shop/api:1.4.2",\n  "ArtifactType": "container_image",\n  "Metadata": {"OS": {"Family": "debian", "Name": "12.8"}},\n  "Results": [\n')
    r = 0
    first_result = True
    while not o.full():
        r += 1
        if not first_result:
            o.w(",\n")
        first_result = False
        o.w(f'    {{\n      "Target": "harbor.example/shop/api:1.4.2 (layer {r})",\n      "Class": "os-pkgs",\n      "Type": "debian",\n      "Vulnerabilities": [\n')
        for v in range(rnd.randint(50, 200)):
            sev = rnd.choice(SEVERITIES)
            cve = f"CVE-20{rnd.randint(15, 26)}-{rnd.randint(1000, 99999)}"
            fixed = f'"FixedVersion": "{rnd.randint(1, 9)}.{rnd.randint(0, 9)}.{rnd.randint(0, 20)}-1+deb12u1",' if rnd.random() < 0.6 else ""
            sep = ",\n" if v else ""
            o.w(sep + f'''        {{
          "VulnerabilityID": "{cve}",
          "PkgName": "lib{rnd.choice(WORDS)}{v % 50}",
          "PkgID": "lib{rnd.choice(WORDS)}@1.2.{v % 9}",
          "InstalledVersion": "1.2.{v % 9}-1",
          {fixed}
          "Status": "{'fixed' if fixed else 'affected'}",
          "SeveritySource": "nvd",
          "PrimaryURL": "https://avd.aquasec.com/nvd/{cve.lower()}",
          "Title": "lib{rnd.choice(WORDS)}: {rnd.choice(WORDS)} {rnd.choice(WORDS)} overflow in {rnd.choice(WORDS)}()",
          "Description": "A flaw was found in the {rnd.choice(WORDS)} handling of {rnd.choice(WORDS)} records, which allows a remote attacker to cause a denial of service via a crafted {rnd.choice(WORDS)} request.",
          "Severity": "{sev}",
          "CweIDs": ["CWE-{rnd.randint(20, 900)}"],
          "CVSS": {{"nvd": {{"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "V3Score": {rnd.randint(10, 100) / 10}}}}},
          "References": ["https://security-tracker.debian.org/tracker/{cve}", "https://nvd.nist.gov/vuln/detail/{cve}"],
          "PublishedDate": "2025-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}T12:15:00Z",
          "LastModifiedDate": "2026-0{rnd.randint(1, 9)}-2{rnd.randint(0, 8)}T08:00:00Z"
        }}''')
        o.w("\n      ]\n    }")
    o.w("\n  ]\n}\n")


def main():
    kind, size_mib, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(20261129)
    out = Out(path, size_mib * 1024 * 1024)
    {"junit": junit, "cobertura": cobertura, "lcov": lcov, "trivy": trivy}[kind](out, rnd)
    out.close()


if __name__ == "__main__":
    main()
