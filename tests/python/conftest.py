"""Shared fixtures: the scanner binary and a moto server on a free loopback port."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ECS_EXPOSURE_BIN", ROOT / "target" / "debug" / "ecs-exposure"))
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto():
    """A moto server for the whole session; tests reset it with `reset(moto)`."""
    port = free_port()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    server = VENV_BIN / "moto_server"
    if not server.exists():
        pytest.fail(f"{server} not found: run scripts/setup-python")
    proc = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if requests.get(f"{url}/moto-api/", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("moto_server did not start")
        time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def reset(url):
    requests.post(f"{url}/moto-api/reset", timeout=30).raise_for_status()


@pytest.fixture
def aws_env(tmp_path):
    """Environment for the scanner: dummy credentials, no shared config, no IMDS."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "SOURCE_DATE_EPOCH": "1796000000",
    }


def run(args, env, check_codes=(0, 1)):
    if not BIN.exists():
        pytest.fail(f"{BIN} not found: run `cargo build` or set ECS_EXPOSURE_BIN")
    proc = subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode in check_codes, f"exit {proc.returncode}\n{proc.stderr}"
    return proc
