"""/metrics moves with requests and exports every name deploy/ uses; API keys give 401 and 403,
and a job is seen only by the key that submitted it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import REPO
from tests.integration.service.conftest import Service

DEPLOY = REPO / "deploy"
MULTIPLY = {"circuit": "multiplier_2", "inputs": {"factors": ["4", "5"]}}


def test_metrics_move_with_requests(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    http = service.client()
    circuit = {"circuit": "multiplier_2"}
    assert service.metric("zkp_active_provers") == 1
    assert service.metric("zkp_circuit_load_time_seconds", **circuit) > 0
    for _ in range(2):
        job = http.post("/v1/proofs?wait=60", json=MULTIPLY).json()
    assert service.metric("zkp_proof_generation_total", **circuit) == 2
    assert service.metric("zkp_proof_generation_duration_seconds_count", **circuit) == 2
    assert service.metric("zkp_proof_generation_duration_seconds_sum", **circuit) > 0
    assert service.metric("zkp_proof_queue_duration_seconds_count", **circuit) == 2
    for stage in ("witness", "prove", "verify"):
        assert service.metric("zkp_proof_stage_duration_seconds_count", stage=stage, **circuit) == 2
    assert service.metric("zkp_proof_verification_total", **circuit) == 2
    check = {**circuit, "proof": job["proof"], "public_signals": ["21"]}
    assert http.post("/v1/verify", json=check).json()["valid"] is False
    assert service.metric("zkp_proof_verification_total", **circuit) == 3
    assert service.metric("zkp_proof_verification_failures_total", **circuit) == 1
    assert service.metric("zkp_proof_generation_errors_total", **circuit) == 0


def deploy_metric_names() -> set[str]:
    """Every zkp_* series the alert rules and the dashboard query."""
    rules = yaml.safe_load((DEPLOY / "prometheus/zkp-alerts.yml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((DEPLOY / "grafana/zkt-prover-dashboard.json").read_text())
    exprs += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    return {name for expr in exprs for name in re.findall(r"\bzkp_[a-z0-9_]+", expr)}


def test_every_metric_of_the_deploy_files_is_exported(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    http = service.client()
    job = http.post("/v1/proofs?wait=60", json=MULTIPLY).json()
    http.post("/v1/verify", json={"circuit": "multiplier_2", "proof": job["proof"],
                                  "public_signals": ["1"]})  # fmt: skip
    text = http.get("/metrics").text
    exported = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    named = deploy_metric_names()
    assert len(named) >= 10 and named <= exported, sorted(named - exported)


def test_alert_thresholds_are_the_production_ones() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus/zkp-alerts.yml").read_text())
    by_name = {rule["alert"]: rule for rule in rules["groups"][0]["rules"]}
    slow, errors, backlog = (by_name[n] for n in ("ZkpProofGenerationSlow", "ZkpProofErrorRate",
                                                  "ZkpProofQueueBacklog"))  # fmt: skip
    assert "histogram_quantile(0.95," in slow["expr"] and slow["expr"].strip().endswith("> 15")
    assert slow["labels"]["severity"] == "warning"
    assert errors["expr"].strip().endswith("> 0.01") and errors["labels"]["severity"] == "critical"
    assert backlog["expr"].strip().endswith("> 100")


def write_keys(path: Path, keys: dict[str, list[str]]) -> Path:
    """An API key file (TOML) holding the sha256 of each key."""
    lines = [
        f'"{hashlib.sha256(k.encode()).hexdigest()}" = {json.dumps(v)}' for k, v in keys.items()
    ]
    path.write_text("[keys]\n" + "\n".join(lines) + "\n")
    return path


def test_api_keys_401_without_403_for_another_circuit(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    keys = write_keys(served_project / "keys.toml", {"multi-key": ["multiplier_2"], "root": ["*"]})
    service = start_service(served_project, "--api-keys", str(keys))
    http = service.client()
    poseidon = {"circuit": "poseidon_preimage_1", "inputs": {}}

    def code(response_json: dict[str, dict[str, str]]) -> str:
        return response_json["error"]["code"]

    assert http.post("/v1/proofs", json=MULTIPLY).status_code == 401
    unknown = http.post("/v1/proofs", json=MULTIPLY, headers={"Authorization": "Bearer nope"})
    assert unknown.status_code == 401 and code(unknown.json()) == "unauthorized"
    multi = {"Authorization": "Bearer multi-key"}
    other = http.post("/v1/proofs", json=poseidon, headers=multi)
    assert other.status_code == 403 and code(other.json()) == "forbidden"
    assert (
        other.json()["error"]["message"] == "this API key may not use circuit 'poseidon_preimage_1'"
    )
    job = http.post("/v1/proofs?wait=60", json=MULTIPLY, headers=multi)
    assert job.status_code == 200 and job.json()["status"] == "done"
    assert http.get(f"/v1/proofs/{job.json()['id']}").status_code == 401
    assert http.get(f"/v1/proofs/{job.json()['id']}", headers=multi).status_code == 200
    root = {"Authorization": "Bearer root"}
    assert http.post("/v1/proofs", json=poseidon, headers=root).status_code == 422  # no inputs
    assert http.get("/health").status_code == 200 and http.get("/metrics").status_code == 200
    assert "multi-key" not in keys.read_text()


def test_a_job_is_seen_only_by_the_key_that_submitted_it(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    keys = write_keys(served_project / "keys.toml", {"alice": ["multiplier_2"], "bob": ["*"]})
    service = start_service(served_project, "--api-keys", str(keys))
    http = service.client()
    alice, bob = ({"Authorization": f"Bearer {k}"} for k in ("alice", "bob"))
    job = http.post("/v1/proofs?wait=60", json=MULTIPLY, headers=alice).json()
    assert job["status"] == "done"
    assert http.get(f"/v1/proofs/{job['id']}", headers=alice).json() == job
    theirs = http.get(f"/v1/proofs/{job['id']}?wait=5", headers=bob)
    unknown = http.get(f"/v1/proofs/{'0' * 32}", headers=bob)
    for refused in (theirs, unknown):
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "not_found"
    assert theirs.json()["error"]["message"] == f"no job {job['id']!r} (unknown, or forgotten)"
    assert unknown.json()["error"]["message"] == f"no job {'0' * 32!r} (unknown, or forgotten)"
    eve = {"Authorization": "Bearer eve"}
    assert http.get(f"/v1/proofs/{job['id']}", headers=eve).status_code == 401
