"""`zkt serve --backend snarkjs`: each worker proves on its own persistent snarkjs worker (a
`node` child that keeps the key loaded); the served proof is verified before it is returned,
verifies at POST /v1/verify and under the snarkjs CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.integration.batch_helpers import children_of
from tests.integration.helpers import snarkjs
from tests.integration.service.conftest import Service, product


def test_a_snarkjs_served_proof_verifies_natively_and_under_the_snarkjs_cli(
    start_service: Callable[..., Service], served_project: Path, tmp_path: Path
) -> None:
    service = start_service(served_project, "--backend", "snarkjs")
    assert service.ready()["backend"] == "snarkjs"
    http = service.client()
    request = {"circuit": "multiplier_2", "inputs": {"factors": ["6", "7"]}}
    jobs = [http.post("/v1/proofs?wait=120", json=request).json() for _ in range(2)]
    for job in jobs:
        assert job["status"] == "done", job
        assert job["public_signals"] == [product(6, 7)] and job["timings"]["verify"] > 0
    (worker,) = service.worker_pids()
    # one node for both proofs: the key stays loaded in it
    assert len(children_of(worker, b"snarkjs_worker.cjs")) == 1

    job = jobs[1]
    check = {"circuit": "multiplier_2", "proof": job["proof"], "public_signals": [product(6, 8)]}
    assert http.post("/v1/verify", json=check).json()["valid"] is False
    check["public_signals"] = job["public_signals"]
    assert http.post("/v1/verify", json=check).json()["valid"] is True

    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    proof.write_text(json.dumps(job["proof"]))
    public.write_text(json.dumps(job["public_signals"]))
    vkey = served_project / "artifacts" / "multiplier_2" / "verification_key.json"
    verdict = snarkjs("groth16", "verify", str(vkey), str(public), str(proof))
    assert "OK!" in verdict and "Invalid" not in verdict
