#!/usr/bin/env python3
"""Deterministic, streaming generator of large realistic reports for bench/parsers.sh.

    gen.py KIND SIZE_MIB OUT

KIND is junit, cobertura, lcov, trivy, or one of the other test-report formats: nunit, trx,
xunit, gotest, mocha, mochawesome, rspec, dart, tap.

Writes until the file reaches SIZE_MIB, in chunks, so memory stays flat whatever the size. The
shapes follow the real tools: Surefire/pytest-style JUnit (suites, properties, failures with
stack traces, skipped, system-out), coverage.py/Cobertura (packages, classes, lines with
branch conditions), lcov/geninfo (TN/SF/FN/FNDA/DA/BRDA/LF/LH), and Trivy image JSON
(SchemaVersion 2, Results[].Vulnerabilities[] with CVSS); and for the other test formats the
shapes their tools write (NUnit 3 console, dotnet test TRX with its TestDefinitions, xUnit.net
v2, test2json, mocha/mochawesome/RSpec JSON, Dart's event stream, node's TAP with YAML blocks),
about 2% failures with stack traces and 2% skips. A fixed seed makes every run byte-identical.
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


def cases(rnd, n):
    """Outcomes and names for one suite: ("pass"|"fail"|"skip", name, seconds)."""
    out = []
    for t in range(n):
        r = rnd.random()
        kind = "fail" if r < 0.02 else "skip" if r < 0.04 else "pass"
        out.append((kind, f"should_{rnd.choice(WORDS)}_{rnd.choice(WORDS)}_when_{rnd.choice(WORDS)}_{t}", rnd.random() * 0.5))
    return out


def dotnet_trace(cls, name, k=6):
    return "".join(f"   at {cls}.{name}() in /builds/acme/shop/tests/{cls.rsplit('.', 1)[1]}.cs:line {40 + i}\n" for i in range(k))


def nunit(o, rnd):
    o.w('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<test-run id="0" runstate="Runnable" testcasecount="0" result="Failed" total="0" passed="0" failed="0" inconclusive="0" skipped="0" engine-version="3.16.3.0" clr-version="8.0.0">\n')
    o.w('  <test-suite type="Assembly" id="0-1000" name="Shop.Tests.dll" fullname="/builds/acme/shop/tests/bin/Shop.Tests.dll" runstate="Runnable" result="Failed" site="Child">\n')
    s = 0
    while not o.full():
        s += 1
        cls = f"Shop.{rnd.choice(WORDS).title()}.{rnd.choice(WORDS).title()}{s}Tests"
        o.w(f'    <test-suite type="TestFixture" id="0-{s}" name="{cls.rsplit(".", 1)[1]}" fullname="{cls}" classname="{cls}" runstate="Runnable" result="Passed" duration="0.5">\n')
        for kind, name, secs in cases(rnd, rnd.randint(20, 60)):
            result = {"pass": "Passed", "fail": "Failed", "skip": "Skipped"}[kind]
            label = ' label="Ignored"' if kind == "skip" else ""
            o.w(f'      <test-case id="0-{s}-{name}" name="{name}" fullname="{cls}.{name}" methodname="{name}" classname="{cls}" runstate="Runnable" seed="1" result="{result}"{label} start-time="2026-11-29 10:00:00Z" end-time="2026-11-29 10:00:00Z" duration="{secs:.6f}" asserts="1">\n')
            if kind == "fail":
                o.w(f"        <failure>\n          <message><![CDATA[  Expected: {s}\n  But was:  {s + 1}\n]]></message>\n          <stack-trace><![CDATA[{dotnet_trace(cls, name)}]]></stack-trace>\n        </failure>\n")
            elif kind == "skip":
                o.w("        <reason>\n          <message><![CDATA[flaky on CI]]></message>\n        </reason>\n")
            o.w("      </test-case>\n")
        o.w("    </test-suite>\n")
    o.w("  </test-suite>\n</test-run>\n")


def trx(o, rnd):
    ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"
    o.w(f'\ufeff<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="29afb69d-9a66-49f7-bc93-a537a0db9862" name="runner@ci 2026-11-29 10:00:00" xmlns="{ns}">\n  <Times creation="2026-11-29T10:00:00Z" start="2026-11-29T10:00:00Z" finish="2026-11-29T10:05:00Z" />\n  <Results>\n')
    defs = []
    n = 0
    while not o.full():
        cls = f"Shop.{rnd.choice(WORDS).title()}.{rnd.choice(WORDS).title()}{n}Tests"
        for kind, name, secs in cases(rnd, rnd.randint(20, 60)):
            n += 1
            tid = f"{n:08x}-0000-4000-8000-{n:012x}"
            outcome = {"pass": "Passed", "fail": "Failed", "skip": "NotExecuted"}[kind]
            o.w(f'    <UnitTestResult executionId="{n:08x}-1111-4000-8000-{n:012x}" testId="{tid}" testName="{cls}.{name}" computerName="runner" duration="00:00:00.{int(secs * 1e7):07d}" startTime="2026-11-29T10:00:00Z" endTime="2026-11-29T10:00:01Z" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="{outcome}" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="{n:08x}">\n')
            if kind == "fail":
                o.w(f"      <Output>\n        <ErrorInfo>\n          <Message>Assert.Equal() Failure: Values differ\nExpected: {n}\nActual:   {n + 1}</Message>\n          <StackTrace>{dotnet_trace(cls, name)}</StackTrace>\n        </ErrorInfo>\n      </Output>\n")
            elif kind == "skip":
                o.w("      <Output>\n        <StdOut>flaky on CI</StdOut>\n      </Output>\n")
            o.w("    </UnitTestResult>\n")
            if len(defs) < 20000:
                defs.append((tid, cls, name))
    o.w("  </Results>\n  <TestDefinitions>\n")
    for tid, cls, name in defs:
        o.w(f'    <UnitTest name="{cls}.{name}" storage="/builds/acme/shop/tests/bin/shop.tests.dll" id="{tid}">\n      <Execution id="{tid}" />\n      <TestMethod codeBase="/builds/acme/shop/tests/bin/Shop.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" className="{cls}" name="{name}" />\n    </UnitTest>\n')
    o.w(f'  </TestDefinitions>\n  <ResultSummary outcome="Failed">\n    <Counters total="{n}" />\n  </ResultSummary>\n</TestRun>\n')


def xunit(o, rnd):
    o.w('<?xml version="1.0" encoding="utf-8"?>\n<assemblies timestamp="11/29/2026 10:00:00">\n  <assembly name="/builds/acme/shop/tests/bin/Shop.Tests.dll" run-date="2026-11-29" run-time="10:00:00" total="0" passed="0" failed="0" skipped="0" time="300.0" errors="0">\n    <errors />\n')
    s = 0
    while not o.full():
        s += 1
        cls = f"Shop.{rnd.choice(WORDS).title()}.{rnd.choice(WORDS).title()}{s}Tests"
        o.w(f'    <collection total="0" passed="0" failed="0" skipped="0" name="Test collection for {cls}" time="1.5">\n')
        for kind, name, secs in cases(rnd, rnd.randint(20, 60)):
            result = {"pass": "Pass", "fail": "Fail", "skip": "Skip"}[kind]
            o.w(f'      <test name="{cls}.{name}" type="{cls}" method="{name}" time="{secs:.7f}" result="{result}">\n')
            if kind == "fail":
                o.w(f'        <failure exception-type="Xunit.Sdk.EqualException">\n          <message><![CDATA[Assert.Equal() Failure\nExpected: {s}\nActual:   {s + 1}]]></message>\n          <stack-trace><![CDATA[{dotnet_trace(cls, name)}]]></stack-trace>\n        </failure>\n')
            elif kind == "skip":
                o.w("        <reason><![CDATA[flaky on CI]]></reason>\n")
            o.w("      </test>\n")
        o.w("    </collection>\n")
    o.w("  </assembly>\n</assemblies>\n")


def gotest(o, rnd):
    p = 0
    while not o.full():
        p += 1
        pkg = f"example.com/shop/{rnd.choice(WORDS)}/{rnd.choice(WORDS)}{p}"
        o.w(f'{{"Time":"2026-11-29T10:00:00.000000Z","Action":"start","Package":"{pkg}"}}\n')
        failed = False
        for kind, name, secs in cases(rnd, rnd.randint(20, 60)):
            test = "Test" + name.title().replace("_", "")
            ev = f'"Time":"2026-11-29T10:00:00.{rnd.randint(0, 999999):06d}Z"'
            o.w(f'{{{ev},"Action":"run","Package":"{pkg}","Test":"{test}"}}\n')
            o.w(f'{{{ev},"Action":"output","Package":"{pkg}","Test":"{test}","Output":"=== RUN   {test}\\n"}}\n')
            if kind == "fail":
                failed = True
                o.w(f'{{{ev},"Action":"output","Package":"{pkg}","Test":"{test}","Output":"    {rnd.choice(WORDS)}_test.go:{rnd.randint(10, 300)}: got {p}, want {p + 1}\\n"}}\n')
            action = {"pass": "pass", "fail": "fail", "skip": "skip"}[kind]
            o.w(f'{{{ev},"Action":"output","Package":"{pkg}","Test":"{test}","Output":"--- {action.upper()}: {test} ({secs:.2f}s)\\n"}}\n')
            o.w(f'{{{ev},"Action":"{action}","Package":"{pkg}","Test":"{test}","Elapsed":{secs:.2f}}}\n')
        end = "FAIL" if failed else "ok"
        o.w(f'{{"Time":"2026-11-29T10:00:01Z","Action":"output","Package":"{pkg}","Output":"{end}\\t{pkg}\\t1.234s\\n"}}\n')
        o.w(f'{{"Time":"2026-11-29T10:00:01Z","Action":"{"fail" if failed else "pass"}","Package":"{pkg}","Elapsed":1.234}}\n')


def js_test(rnd, suite, kind, name, secs, awesome):
    full = f"{suite} {name}"
    err = "{}"
    if kind == "fail":
        stack = "".join(f"\\n    at Context.<anonymous> (test/{suite}.spec.js:{10 + i}:15)" for i in range(6))
        key = "estack" if awesome else "stack"
        err = f'{{"message":"AssertionError: expected {len(name)} to equal {len(name) + 1}","{key}":"AssertionError: expected {len(name)} to equal {len(name) + 1}{stack}"}}'
    if awesome:
        state = {"pass": '"passed"', "fail": '"failed"', "skip": '"pending"'}[kind]
        return (f'{{"title":"{name}","fullTitle":"{full}","timedOut":false,"duration":{int(secs * 1000)},"state":{state},"speed":"fast",'
                f'"pass":{str(kind == "pass").lower()},"fail":{str(kind == "fail").lower()},"pending":{str(kind == "skip").lower()},"context":null,'
                f'"code":"expect(cart.total()).to.equal(3);","err":{err},"uuid":"{rnd.getrandbits(64):016x}","parentUUID":"{rnd.getrandbits(64):016x}","isHook":false,"skipped":false}}')
    return f'{{"title":"{name}","fullTitle":"{full}","file":"/builds/acme/shop/test/{suite}.spec.js","duration":{int(secs * 1000)},"currentRetry":0,"speed":"fast","err":{err}}}'


def mocha(o, rnd):
    # mocha lists every test in `tests` and again in one of the outcome lists: half the size each.
    o.limit //= 2
    lists = {"pass": [], "fail": [], "skip": []}
    o.w('{\n  "stats": {"suites": 0, "tests": 0, "passes": 0, "pending": 0, "failures": 0, "start": "2026-11-29T10:00:00.000Z", "end": "2026-11-29T10:05:00.000Z", "duration": 300000},\n  "tests": [\n')
    first = True
    spill = open(o.f.name + ".lists", "w", encoding="utf-8")
    s = 0
    while not o.full():
        s += 1
        suite = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {s}"
        for kind, name, secs in cases(rnd, rnd.randint(20, 60)):
            t = js_test(rnd, suite, kind, name, secs, False)
            o.w(("" if first else ",\n") + "    " + t)
            first = False
            spill.write(f"{kind}\t{t}\n")
            lists[kind].append(None)
    spill.close()
    o.w("\n  ]")
    for key, kind in (("pending", "skip"), ("failures", "fail"), ("passes", "pass")):
        o.w(f',\n  "{key}": [\n')
        first = True
        with open(o.f.name + ".lists", encoding="utf-8") as f:
            for line in f:
                k, t = line.rstrip("\n").split("\t", 1)
                if k == kind:
                    o.w(("" if first else ",\n") + "    " + t)
                    first = False
        o.w("\n  ]")
    o.w("\n}\n")
    import os
    os.remove(o.f.name + ".lists")


def mochawesome(o, rnd):
    o.w('{\n  "stats": {"suites": 0, "tests": 0, "passes": 0, "pending": 0, "failures": 0, "start": "2026-11-29T10:00:00.000Z", "end": "2026-11-29T10:05:00.000Z", "duration": 300000, "testsRegistered": 0, "passPercent": 98, "pendingPercent": 2, "other": 0, "hasOther": false, "skipped": 0, "hasSkipped": false},\n  "results": [\n')
    first_file = True
    s = 0
    while not o.full():
        s += 1
        suite = f"{rnd.choice(WORDS)}{s}"
        o.w(("" if first_file else ",\n") + f'    {{"uuid":"{rnd.getrandbits(64):016x}","title":"","fullFile":"/builds/acme/shop/test/{suite}.spec.js","file":"/test/{suite}.spec.js","beforeHooks":[],"afterHooks":[],"tests":[],"suites":[\n')
        first_file = False
        for d in range(rnd.randint(2, 5)):
            inner = f"{suite} {rnd.choice(WORDS)} {d}"
            tests = ",\n          ".join(js_test(rnd, inner, kind, name, secs, True) for kind, name, secs in cases(rnd, rnd.randint(10, 30)))
            sep = "" if d == 0 else ",\n"
            o.w(f'{sep}      {{"uuid":"{rnd.getrandbits(64):016x}","title":"{inner}","fullFile":"/builds/acme/shop/test/{suite}.spec.js","file":"/test/{suite}.spec.js","beforeHooks":[],"afterHooks":[],"tests":[\n          {tests}\n        ],"suites":[],"passes":[],"failures":[],"pending":[],"skipped":[],"duration":120,"root":false,"rootEmpty":false,"_timeout":2000}}')
        o.w('\n    ],"passes":[],"failures":[],"pending":[],"skipped":[],"duration":0,"root":true,"rootEmpty":true,"_timeout":2000}')
    o.w('\n  ],\n  "meta": {"mocha": {"version": "12.0.3"}, "mochawesome": {"version": "8.1.1"}, "marge": {"version": "7.1.3"}}\n}\n')


def rspec(o, rnd):
    o.w('{"version":"3.12.0","messages":[],"seed":1234,"examples":[\n')
    first = True
    s = 0
    while not o.full():
        s += 1
        desc = f"{rnd.choice(WORDS).title()}{s}"
        for i, (kind, name, secs) in enumerate(cases(rnd, rnd.randint(20, 60))):
            status = {"pass": "passed", "fail": "failed", "skip": "pending"}[kind]
            ex = f'{{"id":"./spec/{desc.lower()}_spec.rb[1:{i + 1}]","description":"{name}","full_description":"{desc} {name}","status":"{status}","file_path":"./spec/{desc.lower()}_spec.rb","line_number":{10 + i * 4},"run_time":{secs:.6f},"pending_message":{"null" if kind != "skip" else chr(34) + "flaky on CI" + chr(34)}'
            if kind == "fail":
                bt = ",".join(f'"/builds/acme/shop/spec/{desc.lower()}_spec.rb:{11 + i * 4 + k}:in `block (2 levels) in <top (required)>\'"' for k in range(8))
                ex += f',"exception":{{"class":"RSpec::Expectations::ExpectationNotMetError","message":"\\nexpected: {s}\\n     got: {s + 1}\\n\\n(compared using ==)\\n","backtrace":[{bt}]}}'
            o.w(("" if first else ",\n") + ex + "}")
            first = False
    o.w('\n],"summary":{"duration":300.1,"example_count":0,"failure_count":0,"pending_count":0,"errors_outside_of_examples_count":0},"summary_line":"0 examples, 0 failures"}\n')


def dart(o, rnd):
    o.w('{"protocolVersion":"0.1.1","runnerVersion":"1.25.8","pid":4242,"type":"start","time":0}\n')
    tid = 0
    s = 0
    while not o.full():
        s += 1
        path = f"test/{rnd.choice(WORDS)}_{s}_test.dart"
        o.w(f'{{"suite":{{"id":{s},"platform":"vm","path":"{path}"}},"type":"suite","time":{s}}}\n')
        tid += 1
        o.w(f'{{"test":{{"id":{tid},"name":"loading {path}","suiteID":{s},"groupIDs":[],"metadata":{{"skip":false,"skipReason":null}},"line":null,"column":null,"url":null}},"type":"testStart","time":{s}}}\n')
        o.w(f'{{"testID":{tid},"result":"success","skipped":false,"hidden":true,"type":"testDone","time":{s}}}\n')
        o.w(f'{{"group":{{"id":{tid + 1},"suiteID":{s},"parentID":null,"name":"","metadata":{{"skip":false,"skipReason":null}},"testCount":40,"line":null,"column":null,"url":null}},"type":"group","time":{s}}}\n')
        tid += 1
        for i, (kind, name, secs) in enumerate(cases(rnd, rnd.randint(20, 60))):
            tid += 1
            url = f"file:///builds/acme/shop/{path}"
            o.w(f'{{"test":{{"id":{tid},"name":"{name}","suiteID":{s},"groupIDs":[{tid - i - 1}],"metadata":{{"skip":{str(kind == "skip").lower()},"skipReason":{"null" if kind != "skip" else chr(34) + "flaky" + chr(34)}}},"line":{10 + i},"column":5,"url":"{url}"}},"type":"testStart","time":{s * 100 + i}}}\n')
            if kind == "fail":
                o.w(f'{{"testID":{tid},"error":"Expected: <{s}>\\n  Actual: <{s + 1}>\\n","stackTrace":"package:matcher  expect\\n{path} {10 + i}:7  main.<fn>\\n","isFailure":true,"type":"error","time":{s * 100 + i}}}\n')
            result = "failure" if kind == "fail" else "success"
            o.w(f'{{"testID":{tid},"result":"{result}","skipped":{str(kind == "skip").lower()},"hidden":false,"type":"testDone","time":{s * 100 + i}}}\n')
    o.w(f'{{"success":false,"type":"done","time":{s * 100 + 99}}}\n')


def tap(o, rnd):
    o.w("TAP version 13\n")
    n = 0
    while not o.full():
        n += 1
        suite = f"{rnd.choice(WORDS)} {n}"
        o.w(f"# Subtest: {suite}\n")
        sub = cases(rnd, rnd.randint(20, 60))
        for i, (kind, name, secs) in enumerate(sub, 1):
            o.w(f"    # Subtest: {name}\n")
            directive = " # SKIP flaky on CI" if kind == "skip" else ""
            o.w(f"    {'not ok' if kind == 'fail' else 'ok'} {i} - {name}{directive}\n      ---\n      duration_ms: {secs * 1000:.6f}\n")
            if kind == "fail":
                o.w(f"      location: '/builds/acme/shop/test/{suite.split()[0]}.test.mjs:{10 + i}:3'\n      failureType: 'testCodeFailure'\n      error: |-\n        Expected values to be strictly equal:\n        \n        {n} !== {n + 1}\n        \n      code: 'ERR_ASSERTION'\n      stack: |-\n")
                for k in range(6):
                    o.w(f"        TestContext.<anonymous> (file:///builds/acme/shop/test/{suite.split()[0]}.test.mjs:{10 + i}:{k + 3})\n")
            o.w("      ...\n")
        o.w(f"    1..{len(sub)}\n")
        failed = any(k == "fail" for k, _, _ in sub)
        o.w(f"{'not ok' if failed else 'ok'} {n} - {suite}\n  ---\n  duration_ms: 12.5\n  type: 'suite'\n  ...\n")
    o.w(f"1..{n}\n")


GENERATORS = {
    "junit": junit, "cobertura": cobertura, "lcov": lcov, "trivy": trivy,
    "nunit": nunit, "trx": trx, "xunit": xunit, "gotest": gotest, "mocha": mocha,
    "mochawesome": mochawesome, "rspec": rspec, "dart": dart, "tap": tap,
}


def main():
    kind, size_mib, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(20261129)
    out = Out(path, size_mib * 1024 * 1024)
    GENERATORS[kind](out, rnd)
    out.close()


if __name__ == "__main__":
    main()
