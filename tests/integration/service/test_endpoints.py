"""The prover service's endpoints over real HTTP: jobs, verify, health, ready, OpenAPI, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.integration.helpers import zkt
from tests.integration.service.conftest import SERVED, Service, product
from toolchain.backends.rapidsnark import find_program
from toolchain.integrity.model import manifest_path, read_manifest
from toolchain.native.field import R
from toolchain.paths import Project


def locked_sha256(project: Path, artifact: str) -> str:
    """The sha256 artifacts/manifest.json locks for `artifact` (e.g. multiplier_2/vkey)."""
    return read_manifest(manifest_path(Project(project))).artifacts[artifact].sha256


def test_a_proof_is_made_verified_and_fetched(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    http = service.client()
    made = http.post("/v1/proofs?wait=60", json={"circuit": "multiplier_2",
                                                 "inputs": {"factors": ["3", "11"]}})  # fmt: skip
    assert made.status_code == 200, made.text
    job = made.json()
    assert job["status"] == "done" and job["public_signals"] == [product(3, 11)]
    assert job["vkey_sha256"] == locked_sha256(served_project, "multiplier_2/vkey")
    assert set(job["timings"]) == {"queue", "witness", "prove", "verify", "total"}
    assert all(job["timings"][k] > 0 for k in ("witness", "prove", "verify", "total"))
    assert made.headers["location"] == f"/v1/proofs/{job['id']}"
    assert http.get(f"/v1/proofs/{job['id']}").json() == job

    check = {"circuit": "multiplier_2", "proof": job["proof"], "public_signals": ["34"]}
    assert http.post("/v1/verify", json=check).json()["valid"] is False
    check["public_signals"] = job["public_signals"]
    verdict = http.post("/v1/verify", json=check).json()
    assert verdict["valid"] is True and verdict["vkey_sha256"] == job["vkey_sha256"]


def test_a_job_is_202_until_done_then_200(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project)
    http = service.client()
    inputs = json.loads(
        (served_project / "circuits/inputs/poseidon_preimage_1/valid.json").read_text()
    )
    queued = http.post("/v1/proofs", json={"circuit": "poseidon_preimage_1", "inputs": inputs})
    assert queued.status_code == 202 and queued.json()["status"] in ("queued", "running", "done")
    done = http.get(f"/v1/proofs/{queued.json()['id']}?wait=60")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["public_signals"] == [inputs["hash"]]
    deep = b"[" * 500_000 + b"]" * 500_000  # under the default 1 MiB
    nested = http.post("/v1/proofs", content=deep, headers={"content-type": "application/json"})
    assert nested.status_code == 422 and nested.json()["error"]["code"] == "malformed_json"
    assert nested.json()["error"]["message"] == "body: JSON nested deeper than 65 levels"


def test_health_ready_and_openapi(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project, "--workers", "2")
    http = service.client()
    assert http.get("/health").json() == {"status": "ok"}
    ready = http.get("/ready").json()
    assert ready["ready"] and ready["keys_loaded"] and ready["tools_found"]
    assert not ready["draining"] and ready["executor"] == "local"
    assert ready["backend"] == ("rapidsnark" if find_program() else "native")  # auto's choice
    assert ready["queue_depth"] == 0 and ready["queue_capacity"] == 1000
    assert [w["alive"] and w["loaded"] for w in ready["workers"]] == [True, True]
    assert [c["name"] for c in ready["circuits"]] == list(SERVED)
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/v1/proofs", "/v1/proofs/{job_id}", "/v1/verify", "/ready"} <= set(paths)
    body = paths["/v1/proofs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"circuit", "inputs"} and body["title"] == "ProofRequest"


def refusal(response: httpx.Response, status: int, code: str) -> str:
    """The message of a refusal, checked: its status, code and request id (req-1)."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["code"], error["request_id"]) == (code, "req-1")
    assert response.headers["x-request-id"] == "req-1"
    return str(error["message"])


def test_refusals_are_json_with_a_code_and_the_request_id(
    start_service: Callable[..., Service], served_project: Path
) -> None:
    service = start_service(served_project, "--max-body-kib", "4")
    http = service.client(headers={"X-Request-Id": "req-1"})

    def post(path: str, body: object) -> httpx.Response:
        return http.post(path, json=body)

    big = {"circuit": "multiplier_2", "inputs": {"factors": ["1" * 5000, "2"]}}
    refusal(post("/v1/proofs", big), 413, "body_too_large")
    garbled = http.post("/v1/proofs", content=b'{"circuit": ',
                        headers={"content-type": "application/json"})  # fmt: skip
    assert refusal(garbled, 422, "malformed_json").startswith("body")
    twice = http.post("/v1/proofs", content=b'{"circuit": "a", "circuit": "b", "inputs": {}}')
    assert refusal(twice, 422, "malformed_json") == "body: duplicate key 'circuit'"
    shape = http.post("/v1/proofs", json=[1])
    assert refusal(shape, 422, "malformed_json").startswith("body: Input should be a valid dict")
    refusal(http.delete("/v1/proofs"), 405, "bad_request")
    missing = post("/v1/proofs", {"circuit": "multiplier_2"})
    assert refusal(missing, 422, "malformed_json") == "body.inputs: Field required"
    above_r = post("/v1/proofs", {"circuit": "multiplier_2", "inputs": {"factors": [str(R), "2"]}})
    message = refusal(above_r, 422, "invalid_input")
    assert message.startswith('inputs: signal "factors" at index 0: ')
    assert message.endswith("is not below the field modulus r (the JS would reduce it mod r)")
    unknown = post("/v1/proofs", {"circuit": "multiplier_2", "inputs": {"factors": [1, 2], "x": 1}})
    assert 'unknown input signal "x"' in refusal(unknown, 422, "invalid_input")
    refusal(post("/v1/proofs", {"circuit": "nope", "inputs": {}}), 404, "unknown_circuit")
    refusal(http.get("/v1/proofs/0123"), 404, "not_found")
    bad_proof = {"circuit": "multiplier_2", "proof": {"pi_a": 1}, "public_signals": ["1"]}
    refusal(post("/v1/verify", bad_proof), 422, "malformed_json")
    codes = {line.get("code") for line in service.log() if line.get("request_id") == "req-1"}
    assert {"body_too_large", "malformed_json", "invalid_input", "not_found"} <= codes
    assert service.metric("zkp_proof_generation_total", circuit="multiplier_2") == 0


def test_a_key_that_differs_from_its_lock_stops_the_start(served_project: Path) -> None:
    key = served_project / "artifacts/multiplier_2/final.zkey"
    data = bytearray(key.read_bytes())
    data[-1] ^= 1
    key.write_bytes(bytes(data))
    before = sorted(p.name for p in served_project.rglob("*"))
    done = zkt("serve", "--port", "1", cwd=served_project)
    assert done.returncode == 6, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "zkt: error: 1 artifact(s) failed verification:"
        " artifacts/multiplier_2/final.zkey (zkey MISMATCH)"
    )
    assert "Traceback" not in done.stderr + done.stdout
    assert sorted(p.name for p in served_project.rglob("*")) == before


def test_a_malformed_executor_is_refused_before_anything(served_project: Path) -> None:
    done = zkt("serve", "--executor", "dask://nowhere", cwd=served_project)
    assert done.returncode == 2
    assert done.stderr == "zkt: error: --executor dask://nowhere: use local or dask://HOST:PORT\n"
    assert "Traceback" not in done.stdout
