"""Live collection against a local moto server: `scan --live` and `collect` + `scan`.

The scanner talks to moto (through a recording proxy where a test injects faults), with
dummy credentials and no route to a real account.
"""

import json
import re
from pathlib import Path

import pytest

from awsproxy import Proxy
from conftest import ROOT, reset, run
from seed import ACCOUNT, assumed, default_findings, inspector_finding, seed, seed_inspector

READ_ONLY = re.compile(r"^(Describe|List|Get|BatchGet)[A-Za-z]+$")


@pytest.fixture
def account(moto):
    reset(moto)
    services = seed(moto)
    seed_inspector(moto, default_findings())
    return services


def findings_by_name(report):
    return {f["resource"]["name"]: f for f in report["findings"]}


def scan_live(url, env, *extra, codes=(0, 1)):
    proc = run(["scan", "--live", "--endpoint-url", url, "--format", "json", *extra], env, codes)
    return json.loads(proc.stdout), proc


def test_live_scan_finds_the_seeded_exposures(moto, account, aws_env):
    report, proc = scan_live(moto, aws_env)
    by = findings_by_name(report)
    assert by["storefront"]["severity"] == "CRITICAL"
    assert {"internet-reachable", "exploitable-vulnerability", "admin-iam-role", "public-ip",
            "open-security-group"} <= {t["id"] for t in by["storefront"]["traits"]}
    reach = next(t for t in by["storefront"]["traits"] if t["id"] == "internet-reachable")
    assert "direct-path" in reach["facets"]
    api = {t["id"]: t for t in by["checkout-api"]["traits"]}
    assert "load-balancer-path" in api["internet-reachable"]["facets"]
    # Reached only through a listener rule (describe-rules): the rule is a step of the path,
    # and the task role makes it MEDIUM (Moderate likelihood, Medium impact).
    catalog = {t["id"]: t for t in by["catalog"]["traits"]}
    assert by["catalog"]["severity"] == "MEDIUM", by["catalog"]["explanation"]
    path = catalog["internet-reachable"]["evidence"][0]["path"]
    rule = [s for s in path if s["type"] == "AWS::ElasticLoadBalancingV2::ListenerRule"]
    assert rule and "rule 10 (path /catalog/*)" in rule[0]["detail"], path
    assert not any("listener rules" in n["reason"] for n in report["not_evaluated"]), report["not_evaluated"]
    assert "admin-iam-role" in {t["id"] for t in by["legacy-reporting"]["traits"]}, \
        "the admin grant is in the customer policy's non-first default version"
    assert "plaintext-credentials" in {t["id"] for t in by["legacy-reporting"]["traits"]}
    creds = next(t for t in by["legacy-reporting"]["traits"] if t["id"] == "plaintext-credentials")
    assert any(e.get("field", "").endswith(".command[2]") for e in creds["evidence"]), creds["evidence"]
    assert "Wq8rT2vLx9" not in json.dumps(report)
    assert any("`s3://reporting-config/report.env`" in n["reason"] for n in report["not_evaluated"]), \
        report["not_evaluated"]
    assert {"privileged-container", "host-pid-namespace", "host-filesystem-mount"} <= {
        t["id"] for t in by["node-agent"]["traits"]}
    assert "ledger" not in by, "the clean internal service has no published finding"
    assert report["collection_failures"] == []
    assert re.search(r"collected \d+ files from 1 account\(s\) in 1 region\(s\) with \d+ API calls in [\d.]+ s",
                     proc.stderr), proc.stderr
    for f in report["findings"]:
        assert f["resource"]["account"] == ACCOUNT


def test_end_of_life_os_and_malicious_package_from_live_findings(moto, aws_env):
    """The two Inspector traits need nothing collected beyond list-findings: the image's
    platform and the finding's vulnerability id."""
    reset(moto)
    seed(moto)
    findings = default_findings()
    checkout = next(f for f in findings if f["resources"][0]["details"]["awsEcrContainerImage"]["repositoryName"] == "checkout-api")
    checkout["resources"][0]["details"]["awsEcrContainerImage"]["platform"] = "UBUNTU_18_04"
    mal = inspector_finding("storefront", "2024.11", "MAL-2025-49238", False, 0.0,
                            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    mal["packageVulnerabilityDetails"]["vulnerablePackages"] = [
        {"name": "ssp-config-management-tool", "version": "1.0.3", "packageManager": "NODE"}]
    seed_inspector(moto, findings + [mal])
    report, _ = scan_live(moto, aws_env)
    by = findings_by_name(report)
    api = {t["id"]: t for t in by["checkout-api"]["traits"]}
    assert "end-of-life-os" in api, list(api)
    assert api["end-of-life-os"]["evidence"][0]["details"]["platform"] == "UBUNTU_18_04"
    store = {t["id"]: t for t in by["storefront"]["traits"]}
    assert "malicious-package" in store, list(store)
    assert store["malicious-package"]["evidence"][0]["details"]["vulnerability_id"] == "MAL-2025-49238"
    assert "end-of-life-os" not in store, "DEBIAN_12 is supported"
    # The malicious package is that trait's alone, not also a vulnerability.
    for t in by["storefront"]["traits"]:
        if t["id"] != "malicious-package":
            assert "MAL-2025-49238" not in json.dumps(t), t["id"]


def test_bridge_service_is_judged_on_its_container_instance(moto, account, aws_env, tmp_path):
    report, _ = scan_live(moto, aws_env)
    edge = {t["id"]: t for t in findings_by_name(report)["edge-web"]["traits"]}
    assert {"open-security-group", "public-ip", "internet-reachable"} <= edge.keys(), edge.keys()
    assert {e["details"]["from_port"] for e in edge["open-security-group"]["evidence"]} == {22, 80}
    reach = edge["internet-reachable"]
    assert "direct-path" in reach["facets"]
    hosts = {e["details"]["host"] for e in reach["evidence"]}
    assert len(hosts) == 1 and hosts.pop().startswith("i-"), reach["evidence"]
    assert all(e["details"]["port"] == 80 for e in reach["evidence"])
    assert edge["public-ip"]["evidence"][0]["details"]["host"].startswith("i-")
    # The ops cluster's EC2 services have no container instance: a gap that says so.
    gaps = {(n["trait"], n["reason"]) for n in report["not_evaluated"]}
    assert any(t == "open-security-group" and "no container instance of cluster ops" in r for t, r in gaps), gaps
    # The snapshot holds both documents, as the CLI prints them.
    out = tmp_path / "snapshot"
    run(["collect", "--out", str(out), "--endpoint-url", moto], aws_env, (0,))
    region = out / ACCOUNT / "us-east-1"
    cis = json.loads((region / "ecs-describe-container-instances-edge.json").read_text())
    assert cis["cluster"].endswith(":cluster/edge")
    assert cis["containerInstances"][0]["ec2InstanceId"].startswith("i-")
    instances = json.loads((region / "ec2-describe-instances.json").read_text())
    assert instances["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]["Association"]["PublicIp"]


def test_a_denied_container_instance_call_is_a_named_gap(moto, account, aws_env):
    proxy = Proxy(moto).start()
    try:
        proxy.always[("ecs", "ListContainerInstances")] = "deny"
        report, _ = scan_live(proxy.url, aws_env)
    finally:
        proxy.stop()
    failed = {f["operation"]: f for f in report["collection_failures"]}
    assert set(failed) == {"ecs:ListContainerInstances"}, failed
    assert failed["ecs:ListContainerInstances"]["traits_not_evaluated"] == [
        "open-security-group", "public-ip", "internet-reachable"]
    by = findings_by_name(report)
    assert "open-security-group" not in {t["id"] for t in by.get("edge-web", {"traits": []})["traits"]}
    gaps = {(n["trait"], n["reason"]) for n in report["not_evaluated"]}
    assert any(t == "open-security-group" and "container instance" in r for t, r in gaps), gaps


def test_collect_then_scan_equals_live_scan(moto, account, aws_env, tmp_path):
    live, _ = scan_live(moto, aws_env)
    out = tmp_path / "snapshot"
    run(["collect", "--out", str(out), "--endpoint-url", moto], aws_env, (0,))
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert "collection.json" in files
    assert f"{ACCOUNT}/iam-get-account-authorization-details.json" in files
    assert f"{ACCOUNT}/us-east-1/ecs-describe-services-prod.json" in files
    assert f"{ACCOUNT}/us-east-1/elbv2-describe-rules.json" in files
    offline = json.loads(run(["scan", str(out), "--format", "json"], aws_env).stdout)
    assert offline["findings"] == live["findings"]
    assert offline["not_evaluated"] == live["not_evaluated"]
    # The snapshot is plain AWS CLI output: keys as the CLI prints them.
    services = json.loads((out / ACCOUNT / "us-east-1" / "ecs-describe-services-prod.json").read_text())
    assert {"serviceArn", "taskDefinition", "networkConfiguration"} <= services["services"][0].keys()


def test_throttling_and_server_errors_are_retried_without_losing_data(moto, account, aws_env):
    baseline, _ = scan_live(moto, aws_env)
    proxy = Proxy(moto).start()
    try:
        proxy.faults[("ecs", "DescribeServices")] = ["throttle", "throttle"]
        proxy.faults[("ecs", "DescribeTaskDefinition")] = ["500"]
        proxy.faults[("ec2", "DescribeSecurityGroups")] = ["throttle"]
        proxy.faults[("iam", "GetRole")] = ["throttle"]
        proxy.faults[("inspector2", "ListFindings")] = ["500"]
        report, _ = scan_live(proxy.url, aws_env)
    finally:
        proxy.stop()
    assert len(proxy.injected) == 6, proxy.injected
    assert report["collection_failures"] == []
    assert report["findings"] == baseline["findings"]


def test_describe_rules_denied_is_a_named_gap(moto, account, aws_env):
    proxy = Proxy(moto).start()
    try:
        proxy.always[("elasticloadbalancing", "DescribeRules")] = "deny"
        report, _ = scan_live(proxy.url, aws_env)
    finally:
        proxy.stop()
    failed = {f["operation"]: f for f in report["collection_failures"]}
    assert set(failed) == {"elasticloadbalancing:DescribeRules"}, failed
    assert failed["elasticloadbalancing:DescribeRules"]["traits_not_evaluated"] == ["internet-reachable"]
    by = findings_by_name(report)
    # The rule-routed service is not judged reachable, and it is said why: never a silent pass.
    assert "internet-reachable" not in {t["id"] for t in by.get("catalog", {"traits": []})["traits"]}
    gaps = [n for n in report["not_evaluated"] if n["trait"] == "internet-reachable"
            and n["reason"].startswith("listener rules not in the input")]
    assert gaps and any(r.endswith("/catalog") for n in gaps for r in n["resources"]), report["not_evaluated"]
    # The default-action path does not need the rules.
    assert "load-balancer-path" in {f for t in by["checkout-api"]["traits"] if t["id"] == "internet-reachable"
                                    for f in t["facets"]}


def test_access_denied_is_a_named_gap_and_strict_fails(moto, account, aws_env):
    proxy = Proxy(moto).start()
    try:
        proxy.always[("inspector2", "ListFindings")] = "deny"
        proxy.always[("ec2", "DescribeRouteTables")] = "deny"
        report, proc = scan_live(proxy.url, aws_env)
        strict, sproc = scan_live(proxy.url, aws_env, "--strict", codes=(2,))
        text = run(["scan", "--live", "--endpoint-url", proxy.url], aws_env).stdout
    finally:
        proxy.stop()
    failed = {f["operation"]: f for f in report["collection_failures"]}
    assert set(failed) == {"inspector2:ListFindings", "ec2:DescribeRouteTables"}
    assert failed["inspector2:ListFindings"]["traits_not_evaluated"] == [
        "exploitable-vulnerability", "software-vulnerability", "end-of-life-os", "malicious-package"]
    assert "AccessDeniedException" in failed["inspector2:ListFindings"]["error"]
    assert failed["ec2:DescribeRouteTables"]["traits_not_evaluated"] == ["internet-reachable"]
    assert len(failed["ec2:DescribeRouteTables"]["resources"]) == 7  # every seeded service
    gaps = {(n["trait"], n["reason"]) for n in report["not_evaluated"]}
    assert any(t == "exploitable-vulnerability" and "Inspector" in r for t, r in gaps), gaps
    assert any(t == "internet-reachable" and "route tables" in r for t, r in gaps), gaps
    # The exposure that needs only what was collected is still found.
    assert findings_by_name(report)["node-agent"]["severity"] == "MEDIUM"
    assert "2 calls failed" in proc.stderr
    assert "--strict" in sproc.stderr
    assert "ec2:DescribeRouteTables" in text and "AccessDenied" in text.replace("UnauthorizedOperation", "AccessDenied")


def permissions_actions():
    doc = (ROOT / "docs" / "permissions.md").read_text()
    block = re.search(r"```json\n(.*?)```", doc, re.S).group(1)
    policy = json.loads(block)
    actions = set()
    for st in policy["Statement"]:
        assert st["Effect"] == "Allow"
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        actions |= set(acts)
    return actions


def test_only_read_only_calls_all_in_the_documented_policy(moto, account, aws_env, tmp_path):
    allowed = permissions_actions()
    for a in allowed:
        assert READ_ONLY.match(a.split(":")[1]), f"{a} in docs/permissions.md is not read-only"
    proxy = Proxy(moto).start()
    try:
        scan_live(proxy.url, aws_env)
        run(["collect", "--out", str(tmp_path / "s"), "--endpoint-url", proxy.url, "--all-regions",
             "--cluster", "prod"], aws_env, (0,))
    finally:
        proxy.stop()
    prefix = {"elasticloadbalancing": "elasticloadbalancing", "ecs": "ecs", "ec2": "ec2", "iam": "iam",
              "inspector2": "inspector2", "sts": "sts"}
    seen = set()
    for service, op in proxy.operations():
        assert READ_ONLY.match(op), f"mutating or unknown call sent: {service} {op}"
        seen.add(f"{prefix.get(service, service)}:{op}")
    missing = seen - allowed
    assert not missing, f"calls not in docs/permissions.md: {sorted(missing)}"
    # DescribeServices takes at most 10 services per call (moto does not enforce it).
    for service, op, body in proxy.calls:
        if op == "DescribeServices":
            assert len(json.loads(body)["services"]) <= 10


def test_batches_of_ten_and_cluster_filter(moto, aws_env):
    reset(moto)
    seed(moto, fillers=23)
    seed_inspector(moto, default_findings())
    proxy = Proxy(moto).start()
    try:
        report, _ = scan_live(proxy.url, aws_env, "--cluster", "prod")
    finally:
        proxy.stop()
    sizes = [len(json.loads(b)["services"]) for s, o, b in proxy.calls if o == "DescribeServices"]
    assert sorted(sizes, reverse=True) == [10, 10, 6], sizes  # 26 services in prod
    names = {f["resource"]["name"] for f in report["findings"]}
    assert "node-agent" not in names, "--cluster prod leaves out the ops cluster"
    assert "storefront" in names


def test_regions_and_all_regions(moto, aws_env):
    reset(moto)
    seed(moto)
    seed(moto, region="eu-west-1")
    seed_inspector(moto, default_findings())
    two, _ = scan_live(moto, aws_env, "--region", "us-east-1", "--region", "eu-west-1")
    regions = {f["resource"]["region"] for f in two["findings"]}
    assert regions == {"us-east-1", "eu-west-1"}
    every, proc = scan_live(moto, aws_env, "--all-regions")
    assert {f["resource"]["region"] for f in every["findings"]} == regions
    assert re.search(r"in (\d+) region", proc.stderr) and int(re.search(r"in (\d+) region", proc.stderr).group(1)) > 2


def test_role_arn_assumes_a_role_per_account(moto, account, aws_env, tmp_path):
    other = "111111111111"
    other_role = f"arn:aws:iam::{other}:role/ecs-exposure-read-only"
    seed(moto, credentials=assumed(moto, other_role))
    arns = tmp_path / "roles.txt"
    arns.write_text(f"# accounts to scan\narn:aws:iam::{ACCOUNT}:role/ecs-exposure-read-only\n{other_role}\n")
    report, proc = scan_live(moto, aws_env, "--role-arns-file", str(arns))
    accounts = {}
    for f in report["findings"]:
        accounts.setdefault(f["resource"]["name"], set()).add(f["resource"]["account"])
    assert accounts["storefront"] == {ACCOUNT, other}, accounts
    assert "from 2 account(s)" in proc.stderr
    # --role-arn on the command line works the same way.
    single, _ = scan_live(moto, aws_env, "--role-arn", other_role)
    assert {f["resource"]["account"] for f in single["findings"]} == {other}
    bad = tmp_path / "bad.txt"
    bad.write_text("not-an-arn\n")
    p = run(["scan", "--live", "--endpoint-url", moto, "--role-arns-file", str(bad)], aws_env, (2,))
    assert "bad.txt:1" in p.stderr and "expected a role ARN" in p.stderr


def test_unreachable_endpoint_is_a_clear_error(aws_env):
    p = run(["scan", "--live", "--endpoint-url", "http://127.0.0.1:9"], aws_env, (2,))
    assert "sts:GetCallerIdentity" in p.stderr and "could not identify any account" in p.stderr


def test_progress_only_on_a_terminal(moto, account, aws_env, tmp_path):
    # Not a terminal: stderr holds only the closing line.
    _, proc = scan_live(moto, aws_env)
    assert "\x1b[2K" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    # Under a pseudo-terminal (util-linux `script`), progress lines name region and kind.
    import shutil
    import subprocess
    from conftest import BIN
    assert shutil.which("script"), "util-linux `script` is needed to give the scanner a terminal"
    out = tmp_path / "out.json"
    cmd = f"{BIN} scan --live --endpoint-url {moto} --format json --output {out}"
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, env=aws_env, timeout=300)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    assert "\x1b[2K" in p.stdout
    assert "us-east-1: task definitions" in p.stdout or "us-east-1: " in p.stdout
    assert "API calls" in p.stdout
