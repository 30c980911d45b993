#!/usr/bin/env python3
"""API calls and wall time of `ecs-exposure scan --live` against a seeded moto account.

Run from the repository root after `scripts/setup-python` and `cargo build`:
    .venv/bin/python bench/live.py            # prints a Markdown report
It starts its own moto server on a free loopback port, seeds accounts of growing size
(services, distinct task definitions, regions), scans each 3 times, and counts the calls per
operation through the recording proxy of the tests.
"""

import collections
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import requests  # noqa: E402

from awsproxy import Proxy  # noqa: E402
from conftest import free_port  # noqa: E402
from seed import default_findings, seed, seed_inspector  # noqa: E402

BIN = Path(os.environ.get("ECS_EXPOSURE_BIN", ROOT / "target" / "debug" / "ecs-exposure"))
RUNS = int(os.environ.get("RUNS", "3"))
ENV = {
    "PATH": os.environ["PATH"],
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
}
# (label, services per region beyond the 5 base ones, distinct task definitions, regions)
SCENARIOS = [
    ("10 services, 1 region", 5, False, ["us-east-1"]),
    ("50 services, 1 region", 45, False, ["us-east-1"]),
    ("200 services, 1 region", 195, False, ["us-east-1"]),
    ("200 services with 200 task definitions", 195, True, ["us-east-1"]),
    ("200 services in 2 regions", 95, False, ["us-east-1", "eu-west-1"]),
]


def start_moto():
    port = free_port()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    proc = subprocess.Popen([str(ROOT / ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{url}/moto-api/", timeout=2).status_code == 200:
                return proc, url
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    sys.exit("moto_server did not start")


def scan(url, regions):
    args = [str(BIN), "scan", "--live", "--endpoint-url", url, "--format", "json"]
    for r in regions:
        args += ["--region", r]
    t0 = time.perf_counter()
    p = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=900)
    wall = time.perf_counter() - t0
    assert p.returncode in (0, 1), p.stderr
    m = re.search(r"with (\d+) API calls in ([\d.]+) s", p.stderr)
    return wall, int(m.group(1))


def main():
    proc, url = start_moto()
    rows, breakdown = [], None
    try:
        for label, fillers, distinct, regions in SCENARIOS:
            requests.post(f"{url}/moto-api/reset", timeout=60).raise_for_status()
            for r in regions:
                seed(url, fillers=fillers, region=r, distinct_task_defs=distinct)
            seed_inspector(url, default_findings())
            walls, calls = [], None
            for _ in range(RUNS):
                w, c = scan(url, regions)
                walls.append(w)
                calls = c
            proxy = Proxy(url).start()
            try:
                scan(proxy.url, regions)
            finally:
                proxy.stop()
            per_op = collections.Counter(f"{s}:{o}" for s, o in proxy.operations())
            if label == "200 services with 200 task definitions":
                breakdown = per_op
            services = (fillers + 5) * len(regions)
            rows.append((label, services, calls, statistics.median(walls), min(walls), max(walls)))
    finally:
        proc.terminate()
    print(f"Runs per scenario: {RUNS}; moto 5.2.5 on loopback; `{BIN.relative_to(ROOT) if BIN.is_relative_to(ROOT) else BIN}`\n")
    print("| scenario | services | API calls | wall time, median (s) | min–max (s) |")
    print("|---|---:|---:|---:|---:|")
    for label, services, calls, med, lo, hi in rows:
        print(f"| {label} | {services} | {calls} | {med:.2f} | {lo:.2f}–{hi:.2f} |")
    if breakdown:
        print("\nCalls per operation, 200 services with 200 task definitions:\n")
        print("| operation | calls |")
        print("|---|---:|")
        for op, n in sorted(breakdown.items(), key=lambda x: (-x[1], x[0])):
            print(f"| `{op}` | {n} |")


if __name__ == "__main__":
    main()
