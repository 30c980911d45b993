"""Validates `ecs-exposure scan --format ocsf` with an independent OCSF model.

Every finding must parse as py-ocsf-models' `DetectionFinding` in strict mode, and nothing we
emit may be silently dropped by it: pydantic ignores unknown keys, so a misspelt or misplaced
field would otherwise pass unnoticed. We therefore compare the model's dump with our input.

Run from the repository root after `cargo build`:
    python -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/pytest tests/python
The binary is `$ECS_EXPOSURE_BIN`, by default `target/debug/ecs-exposure`.
"""

import copy
import json
import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from py_ocsf_models import OCSF_VERSION
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ECS_EXPOSURE_BIN", ROOT / "target" / "debug" / "ecs-exposure"))
FIXTURE = ROOT / "crates" / "ecs-exposure" / "tests" / "fixtures" / "snapshot"
# The core's OCSF snapshot of a synthetic analysis with every severity, a reachability path,
# CVE details and several traits per finding: richer than what the fixture can produce.
CORE_SNAPSHOT = (
    ROOT
    / "crates/ecs-exposure-core/src/report/snapshots"
    / "ecs_exposure_core__report__ocsf__tests__snapshot.snap"
)
SEVERITIES = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}


def run_scan(*extra):
    if not BIN.exists():
        pytest.fail(f"{BIN} not found: run `cargo build` or set ECS_EXPOSURE_BIN")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1796000000")
    proc = subprocess.run(
        [str(BIN), "scan", str(FIXTURE), "--format", "ocsf", *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def core_snapshot():
    text = CORE_SNAPSHOT.read_text()
    # An insta snapshot is a `---`-delimited header, then the value.
    body = text.split("\n---\n", 1)[1]
    return json.loads(body)


def as_datetime(s):
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None


def differences(ours, theirs, path="$"):
    """Where the model's dump lost or changed something we emitted."""
    if isinstance(ours, dict):
        if not isinstance(theirs, dict):
            return [f"{path}: object became {theirs!r}"]
        out = []
        for key, value in ours.items():
            if key not in theirs:
                out.append(f"{path}.{key}: dropped by the model")
            else:
                out.extend(differences(value, theirs[key], f"{path}.{key}"))
        return out
    if isinstance(ours, list):
        if not isinstance(theirs, list) or len(ours) != len(theirs):
            return [f"{path}: list changed"]
        out = []
        for i, (a, b) in enumerate(zip(ours, theirs)):
            out.extend(differences(a, b, f"{path}[{i}]"))
        return out
    if ours == theirs:
        return []
    da, db = as_datetime(ours), as_datetime(theirs)
    if da is not None and da == db:
        return []
    return [f"{path}: {ours!r} became {theirs!r}"]


def validate(finding):
    """Parses one finding strictly; returns the list of problems (empty when it conforms)."""
    model = DetectionFinding.model_validate_json(json.dumps(finding), strict=True)
    dumped = model.model_dump(mode="json", exclude_unset=True)
    return differences(finding, dumped)


def check_semantics(f):
    assert f["class_uid"] == 2004 and f["class_name"] == "Detection Finding"
    assert f["category_uid"] == 2 and f["category_name"] == "Findings"
    assert f["activity_id"] == 1 and f["activity_name"] == "Create"
    assert f["type_uid"] == 200401 and f["type_name"] == "Detection Finding: Create"
    assert f["severity"] == SEVERITIES[f["severity_id"]]
    assert f["status_id"] == 1 and f["status"] == "New"
    assert f["metadata"]["version"] == OCSF_VERSION
    assert f["metadata"]["profiles"] == ["cloud", "datetime"]
    info = f["finding_info"]
    assert info["types"] == ["Exposure/Potential Impact/Resource Hijacking"]
    assert info["uid"].startswith("ecs-exposure:")
    assert info["analytic"]["name"] == "Exposure"
    assert f["resources"][0]["type"] == "AWS::ECS::Service"
    assert f["resources"][0]["uid"].startswith("arn:aws:ecs:")
    events = info["related_events"]
    assert events, "every finding has at least one trait"
    assert f["unmapped"]["related_events_count"] == len(events)
    side = f["unmapped"]["related_events"]
    assert [e["uid"] for e in events] == [e["uid"] for e in side]
    for e, s in zip(events, side):
        assert e["uid"].startswith(info["uid"] + "/trait/")
        assert e["observables"], e["uid"]
        assert all(o["type_id"] == 10 for o in e["observables"])
        (t,) = s["traits"]
        assert t["category"] in {
            "Misconfiguration",
            "Assumability",
            "Reachability",
            "Vulnerability",
        }
        assert e["uid"].endswith("/trait/" + t["uid"])
    assert f["remediation"]["desc"]
    assert f["remediation"]["references"]


def fixture_findings():
    findings = run_scan("--min-severity", "informational")
    assert findings, "the fixture must produce at least one finding"
    return findings


@pytest.mark.parametrize("source", ["binary", "core-snapshot"])
def test_every_finding_conforms(source):
    findings = fixture_findings() if source == "binary" else core_snapshot()
    assert isinstance(findings, list) and findings
    for f in findings:
        problems = validate(f)
        assert not problems, "\n".join(problems)
        check_semantics(f)


def test_uids_are_unique_and_stable():
    a = fixture_findings()
    b = fixture_findings()
    uids = [f["finding_info"]["uid"] for f in a]
    assert len(set(uids)) == len(uids)
    assert uids == [f["finding_info"]["uid"] for f in b]
    assert a == b, "same input and SOURCE_DATE_EPOCH give the same output"
    assert a[0]["time"] == 1796000000000
    assert a[0]["time_dt"] == "2026-11-30T00:53:20Z"


def test_min_severity_filters():
    assert run_scan("--min-severity", "critical") == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda f: f["finding_info"].__setitem__("bogus", 1), "finding_info.bogus: dropped"),
        (lambda f: f.__setitem__("vendor_attributes", {}), "vendor_attributes: dropped"),
        (
            lambda f: f["finding_info"]["related_events"][0].__setitem__("title", "x"),
            "related_events[0].title: dropped",
        ),
    ],
)
def test_validation_catches_dropped_fields(mutate, expected):
    f = copy.deepcopy(core_snapshot()[0])
    mutate(f)
    assert any(expected in p for p in validate(f))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda f: f.pop("time"),
        lambda f: f.__setitem__("severity_id", "5"),
        lambda f: f.__setitem__("type_uid", 999),
        lambda f: f["finding_info"].pop("uid"),
        lambda f: f["metadata"]["product"].pop("vendor_name"),
    ],
)
def test_validation_rejects_invalid(mutate):
    f = copy.deepcopy(core_snapshot()[0])
    mutate(f)
    with pytest.raises(Exception):
        validate(f)
