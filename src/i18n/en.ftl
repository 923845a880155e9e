# gonogo's words in English: the reference. Every id here must exist in fr.ftl with the same
# variables (a test checks it). Machine output (JSON, dotenv, SARIF ids) never goes through here.

## Decision and counts

decision-go = GO
decision-go-with-warnings = GO (with warnings)
decision-no-go = NO-GO
decision-inconclusive = INCONCLUSIVE
decision-offline = OFFLINE
count-failed = { $n } failed
count-warned = { $n } warned
count-inconclusive = { $n } inconclusive
count-waived = { $n } waived
count-waived-items = { $i } { $i ->
    [one] item
   *[other] items
} waived
count-waived-plus-items = { $n } waived (+{ $i } { $i ->
    [one] item
   *[other] items
})
count-passed = { $n } passed
count-info = { $n } info
count-offline = { $n } not evaluated offline
stage-name = stage { $number } { $id }
rules-n = { $n } { $n ->
    [one] rule
   *[other] rules
}

## Why evidence is missing (MissingReason)

reason-not-configured = not configured
reason-not-found = not found
reason-unreadable = unreadable
reason-unreachable = unreachable
reason-parse-error = parse error
reason-stale = stale
reason-empty = empty
reason-wrong-kind = wrong kind
reason-timeout = timeout
reason-offline = offline

## Outcomes and messages

outcome-pass = pass
outcome-warn = warn
outcome-fail = fail
outcome-info = info
outcome-waived = waived
outcome-not-evaluated-offline = not evaluated offline
outcome-inconclusive-reason = inconclusive ({ $reason })
outcome-inconclusive-blocking = inconclusive ({ $reason }, blocking)
message-not-met = not met:{" "}
message-short = met, but short of the target:{" "}
message-cannot-judge = cannot judge{" "}
message-waived-until = waived until { $date }: { $reason }
criterion-ok = ok
criterion-short = short
criterion-not-met = not met
criterion-preferred = (preferred)
criterion-measured = measured

## Waivers

waiver-scope-every-item = (match `{ $pattern }`: every item)
waiver-scope-match = (match `{ $pattern }`)
waiver-scope-rule = (the whole rule)
waiver-uses-until = { $uses } { $uses ->
    [one] use
   *[other] uses
}, until { $expires } ({ $days } { $days ->
    [one] day
   *[other] days
} left)

## The console report

section-failed = FAILED
section-inconclusive = INCONCLUSIVE
section-warned = WARNED
section-info = INFO
section-waived = WAIVED
section-passed = PASSED
section-offline = NOT EVALUATED OFFLINE
section-waivers-applied = WAIVERS APPLIED
section-notices = NOTICES
human-override = override:
human-evidence = evidence:
human-source = source:
human-own-threshold = threshold: gonogo's own default, not the source's
human-note = note:
human-more-items = … and { $n } more (see the JSON verdict)
human-items-waived = { $n } item(s) waived
human-next-title = TO REACH STAGE { $number } { $id }
human-next-preview = (preview, does not affect this verdict)
human-next-nothing = nothing more: the evidence already meets stage { $number }'s rules
human-verbose-hint = Rules that share a cause are grouped: -v shows each rule in full.

## Causes shared by several rules, and what to do

cause-not-configured = source `{ $source }` is not configured in gonogo.yaml
cause-file-missing = { $path } does not exist
cause-paths-missing = no file matches { $paths }
cause-endpoint = source `{ $source }` { $reason }: { $detail }
action-add-report-source = add `sources: {"{"}{ $source }: {"{"}path: …{"}}"}` to gonogo.yaml, naming the report your tool writes
action-add-endpoint-source = add `sources: {"{"}{ $source }: {"{"}kind: …, url: …{"}}"}` to gonogo.yaml (or run `gonogo check --offline` until the service exists)
action-create-file = create { $path } (`gonogo explain` says which fields the rules read)
action-create-paths = add these files, or set where they are in gonogo.yaml `vars:` (`gonogo explain` lists each rule's paths)
action-reach-endpoint = check `sources.{ $source }.url`, the network and the token named in `auth`
action-refresh = write the report again before gonogo runs, or raise `sources.{ $source }.max_age`
action-check-format = check the file's format: `gonogo inspect FILE` shows what gonogo reads from it
action-empty = check that the tool wrote its results (the report holds no data for these rules)
action-produce-report = produce the report before gonogo runs, or fix `sources.{ $source }.path`
action-explain = `gonogo explain` shows what these rules read and where

## The Markdown summary

md-override = Override:
md-waivers-applied = Waivers applied
md-all-met = Every rule that blocks at this stage is met.
md-col-rule = Rule
md-col-outcome = Outcome
md-col-measured = Measured
md-col-expected = Expected
md-rest-summary = Passed, waived and info: { $n } { $n ->
    [one] rule
   *[other] rules
}
md-waiver-expiring = expiring waiver of { $rule } (expires { $expires })
md-waiver-unused = unused waiver of { $rule } (expires { $expires })
md-waiver-expired = expired waiver of { $rule } (expires { $expires })
md-notices = Notices
md-next-summary = To reach stage { $number } { $id } (preview, does not affect this verdict): { $n ->
    [0] nothing more
   *[other] { $n } rule(s)
}
md-footer = { $tool } · evaluated on { $date }
md-met = met
md-short = short of the target
md-not-measured = not measured
md-reference = reference:
metrics-title = Measured values
junit-more = … and { $n } more

## The HTML page

html-path = Where the project stands
html-stage-done = ✓ reached
html-stage-current = this verdict: { $decision }
html-stage-next = { $met } of { $rules } rules already met
html-next-hint = Run `gonogo check --next` to see how much of the next stage is already met.
html-grid = Rules by stage and area
area-documents = documents
area-quality = tests and quality
area-security = security
area-kubernetes = Kubernetes
area-delivery = delivery
area-runtime = runtime
area-other = other
html-inconclusive = inconclusive
html-other = waived, info, offline
html-attention = What needs attention
html-no-metrics = No live check measured a number in this verdict.
html-metrics-note = Each bar is the value a rule was judged on; the dashed line is its threshold. Sampled rules say how many samples met.
html-expected = expected
html-evidence = Evidence read
html-col-need = Evidence
html-col-input = Input
html-col-size = Bytes
html-col-read = Read at
html-col-modified = Modified
diag-error = error:
cause-rule-count = { $n } { $n ->
    [one] rule
   *[other] rules
}:
action-fix-source = complete `sources.{ $source }` in gonogo.yaml or set what it names (or run `gonogo check --offline` until the service exists)
action-pass-baseline = pass --baseline PATH (the default branch's last JSON verdict) or set `baseline:` in gonogo.yaml (docs/baselines.md)
action-pass-diff = pass --diff PATH or --diff-base REF, or set `diff:` in gonogo.yaml (docs/patch-coverage.md)

## Configuration errors (gonogo.yaml, rule files, the command line)

diag-help = help:
diag-problems = { $n } { $n ->
    [one] problem
   *[other] problems
} found
diag-unknown-key = unknown key `{ $name }` at { $at }
diag-unknown-value = unknown value `{ $name }` at { $at }
diag-expected-one-of = expected one of: { $list }
diag-did-you-mean = did you mean `{ $candidate }`?
diag-top-level = the top level
config-not-found-hint = run `gonogo init` to write one, or pass --config PATH
config-invalid-yaml = invalid YAML: { $message }
config-not-a-mapping = gonogo.yaml must be a mapping (`stage: ...`, `sources: ...`)
config-version = unsupported `version`: this gonogo reads version 1
config-sources-mapping = `sources` must be a mapping of names to sources
config-waiver-reason = a waiver needs a non-empty `reason`
config-waiver-too-long = this waiver runs { $days } days from today ({ $today }); waivers run at most { $max } days
config-waiver-too-long-help = set an earlier `expires` and revisit it then, or raise the limit with `waivers: {"{"}max_days: N, list: [...]{"}"}`
config-known-kinds = known kinds: { $list }
config-unknown-kind = unknown source kind `{ $kind }`
config-secret-header = `{ $name }` carries a secret and must not be written in gonogo.yaml
config-secret-header-help = use `auth: {"{"}header: {"{"}name: ..., value_env: MY_TOKEN{"}}"}` so the value comes from the environment
config-not-a-url = `{ $url }` is not an http(s) URL (nor `$VARIABLE` naming one)
config-needs-url = a `{ $kind }` source needs the `url` of its API
load-rule-file = cannot read rule file { $path }: { $error }
load-pack-override = --pack/GONOGO_PACK `{ $asked }` is not the pack { $file } declares (`{ $declared }`): the command line cannot choose another pack; change `pack:` in { $file } if the project changes packs
load-unknown-pack = unknown pack `{ $pack }`
load-known-packs = known packs: { $list }
load-waiver-unknown-rule = waiver names unknown rule `{ $rule }`
load-environment-loosened = --environment/GONOGO_ENVIRONMENT nonprod would judge as non-production a project { $file } declares `environment: prod`; the command line can only tighten (nonprod → prod)
load-stage-lowered = --stage/GONOGO_STAGE { $asked } is earlier than the stage { $file } declares ({ $declared }); the command line can only raise the stage. Change `stage:` in { $file } if the project moved back
load-no-stage = no stage declared
load-no-stage-help = add `stage: <number or name>` to gonogo.yaml, or pass --stage
note-no-config-explain = note: no { $file } here: showing the default pack `{ $pack }` with its default variables
note-no-config-rules = note: no { $file } here, and none is needed: these are the packs built into gonogo
config-not-found = cannot read { $file }: no such file
html-listed-only = paths matched, not read
waiver-head = { $rule } { $scope }: { $usage }

## What changed since the baseline

change-baseline = compared with the baseline { $location } (evaluated at { $evaluated })
change-baseline-unusable = baseline { $location } not used: { $error }
change-better = better
change-worse = worse
change-new = new
change-items = { $new } new, { $gone } gone
change-deltas = since the baseline:
