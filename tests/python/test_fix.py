"""Generated task definitions are valid `aws ecs register-task-definition` input.

Every revision that `ecs-exposure plan` and `ecs-exposure fix FILE` generate for the demo
account is checked with botocore's own parameter validator against the `RegisterTaskDefinition`
input shape: what the AWS CLI itself checks before sending `--cli-input-json`.

Run from the repository root after `cargo build`:
    scripts/setup-python && .venv/bin/pytest tests/python/test_fix.py
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ECS_EXPOSURE_BIN", ROOT / "target" / "debug" / "ecs-exposure"))
DEMO = ROOT / "examples" / "demo-account"
TASK_DEFINITIONS = sorted(DEMO.glob("ecs-describe-task-definition-*.json"))


@pytest.fixture(scope="module")
def shape():
    model = botocore.session.get_session().get_service_model("ecs")
    return model.operation_model("RegisterTaskDefinition").input_shape


def validate(shape, params, what):
    report = ParamValidator().validate(params, shape)
    assert not report.has_errors(), f"{what}: {report.generate_report()}"


def test_plan_revisions_are_register_input(shape):
    out = subprocess.run([str(BIN), "plan", str(DEMO), "--format", "json",
                          "--min-severity", "informational"],
                         check=True, capture_output=True, text=True).stdout
    plan = json.loads(out)
    assert plan["schema_version"] == 1
    revisions = [r for r in plan["remediations"] if "task_definition" in r["fix"]]
    assert len(revisions) >= 5
    for r in revisions:
        validate(shape, r["fix"]["task_definition"], r["id"])


@pytest.mark.parametrize("path", TASK_DEFINITIONS, ids=lambda p: p.stem)
def test_fix_file_is_register_input(shape, path, tmp_path):
    for args in ([], ["--unsafe"]):
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        subprocess.run([str(BIN), "fix", str(copy), *args], check=True, capture_output=True)
        if copy.read_bytes() == path.read_bytes():
            # No fix applied: the file is left exactly as it was (nothing is written when
            # nothing changes), so it is still `describe-task-definition` output.
            assert not args, f"{path.name}: --unsafe applied no fix"
            continue
        doc = json.loads(copy.read_text())
        validate(shape, doc, f"{path.name} {args}")
        # Fixing a fixed file again changes nothing: fixes converge.
        before = copy.read_text()
        subprocess.run([str(BIN), "fix", str(copy), *args], check=True, capture_output=True)
        assert copy.read_text() == before
