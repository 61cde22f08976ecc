"""The persistent snarkjs worker: real node, the pinned snarkjs as a library, keys loaded once.

Its proofs verify natively and under the snarkjs CLI; a killed or hung worker fails the request
in flight with one line and a new one answers the next; bad requests answer ok: false and leave
the worker up; the LRU keeps what its bounds allow.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.batch_helpers import (
    GIVEN,
    NAME,
    keyed_project,
    prover_spec,
    valid_inputs,
)
from toolchain.api.batch import batch_inputs, prove_batch
from toolchain.api.prove import compute_witness
from toolchain.api.workspace import Workspace
from toolchain.backends.batch import LoadedProver
from toolchain.backends.snarkjs import SnarkjsBackend
from toolchain.formats.snarkjs_json import read_proof, read_public, read_verification_key
from toolchain.native.engines import get_engine
from toolchain.native.verifier import verify_proof
from toolchain.runner.snarkjs_worker import (
    SnarkjsWorker,
    SnarkjsWorkerError,
    WorkerLimits,
    worker_argv,
)

RESTARTS = "a new one starts for the next request"


@pytest.fixture(scope="module")
def proving(tmp_path_factory: pytest.TempPathFactory, dev_ptau: Path) -> Workspace:
    """A project with a test key for NAME."""
    return keyed_project(tmp_path_factory.mktemp("worker"), dev_ptau)


@pytest.fixture
def worker(proving: Workspace) -> Iterator[SnarkjsWorker]:
    with SnarkjsWorker(proving.tools) as started:
        yield started


@pytest.fixture(scope="module")
def wtns(proving: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The witness of the circuit's valid input."""
    out = tmp_path_factory.mktemp("wtns") / "valid.wtns"
    return compute_witness(proving, NAME, GIVEN / "valid.json", out).path


def write_proof(folder: Path, texts: tuple[str, str]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    proof, public = folder / "proof.json", folder / "public.json"
    proof.write_text(texts[0])
    public.write_text(texts[1])
    return proof, public


def verifies_natively(ws: Workspace, proof: Path, public: Path) -> bool:
    vkey = read_verification_key(ws.project.vkey(NAME))
    return verify_proof(vkey, read_public(public), read_proof(proof), get_engine("mcl"))


def test_worker_proofs_verify_natively_and_under_the_snarkjs_cli(
    proving: Workspace, worker: SnarkjsWorker, wtns: Path, tmp_path: Path
) -> None:
    p = proving.project
    made = {
        "prove": worker.prove(p.zkey(NAME), wtns),
        "fullprove": worker.fullprove(p.zkey(NAME), p.wasm(NAME), GIVEN / "valid.json"),
    }
    cli = SnarkjsBackend(proving.tools)
    for op, texts in made.items():
        proof, public = write_proof(tmp_path / op, texts)
        assert verifies_natively(proving, proof, public)
        assert cli.verify(p.vkey(NAME), public, proof)  # `snarkjs groth16 verify`, whole process
        assert worker.verify(p.vkey(NAME), public, proof)
    assert made["prove"][1] == made["fullprove"][1]  # the same public signals


def test_worker_verify_rejects_other_signals_and_refuses_a_wrong_count(
    proving: Workspace, worker: SnarkjsWorker, wtns: Path, tmp_path: Path
) -> None:
    vkey = proving.project.vkey(NAME)
    proof, public = write_proof(tmp_path, worker.prove(proving.project.zkey(NAME), wtns))
    signals = json.loads(public.read_text())
    other = tmp_path / "other.json"
    other.write_text(json.dumps([str(int(signals[0]) + 1), *signals[1:]]))
    assert not worker.verify(vkey, other, proof)
    longer = tmp_path / "longer.json"
    longer.write_text(json.dumps([*signals, "1"]))
    with pytest.raises(SnarkjsWorkerError) as refused:
        worker.verify(vkey, longer, proof)
    n = len(signals)
    assert str(refused.value) == (
        f"snarkjs worker verify: public: {n + 1} signals, the key has {n}"
    )


def test_many_requests_load_the_key_and_wasm_once(
    proving: Workspace, worker: SnarkjsWorker, wtns: Path
) -> None:
    p = proving.project
    worker.prove(p.zkey(NAME), wtns)
    pid = worker.pid
    for _ in range(4):
        worker.fullprove(p.zkey(NAME), p.wasm(NAME), GIVEN / "valid.json")
    stats = worker.stats()
    held = {(e["kind"], e["path"]): (e["loads"], e["uses"]) for e in stats["entries"]}
    assert held == {
        ("zkey", str(p.zkey(NAME))): (1, 5),
        ("wasm", str(p.wasm(NAME))): (1, 4),
    }
    assert (stats["loads"], stats["hits"], stats["evictions"]) == (2, 7, 0)
    assert worker.pid == pid


def test_a_changed_key_file_is_loaded_again(
    proving: Workspace, worker: SnarkjsWorker, wtns: Path, tmp_path: Path
) -> None:
    zkey = tmp_path / "copy.zkey"
    shutil.copy(proving.project.zkey(NAME), zkey)
    worker.prove(zkey, wtns)
    os.utime(zkey, ns=(1, 1))  # same bytes, another mtime: the worker cannot know
    worker.prove(zkey, wtns)
    (entry,) = worker.stats()["entries"]
    assert (entry["loads"], entry["uses"]) == (2, 1)


def kill_when_reading(worker: SnarkjsWorker, fifo: Path) -> threading.Thread:
    """A thread that SIGKILLs the worker once it has opened `fifo` (its request is in flight)."""

    def kill() -> None:
        with fifo.open("w"):  # returns when the worker opens the other end
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)

    thread = threading.Thread(target=kill)
    thread.start()
    return thread


def test_a_killed_worker_fails_the_request_in_flight_and_is_replaced(
    proving: Workspace, worker: SnarkjsWorker, wtns: Path, tmp_path: Path
) -> None:
    p = proving.project
    worker.prove(p.zkey(NAME), wtns)
    first = worker.pid
    fifo = tmp_path / "input.json"
    os.mkfifo(fifo)
    killer = kill_when_reading(worker, fifo)
    with pytest.raises(SnarkjsWorkerError) as failed:
        worker.fullprove(p.zkey(NAME), p.wasm(NAME), fifo)
    killer.join()
    assert (
        str(failed.value)
        == f"the snarkjs worker died during fullprove (killed by SIGKILL): {RESTARTS}"
    )
    assert worker.pid is None
    proof, public = write_proof(tmp_path / "after", worker.prove(p.zkey(NAME), wtns))
    assert worker.pid not in (None, first)
    assert verifies_natively(proving, proof, public)


def wait_until_dead(pid: int) -> None:
    """Until the child `pid` has exited, every thread of it, leaving it for Popen to reap."""
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)


def test_a_worker_killed_between_requests_is_replaced_before_the_next(
    proving: Workspace, worker: SnarkjsWorker, wtns: Path
) -> None:
    worker.request("ping")
    first = worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    wait_until_dead(first)
    worker.prove(proving.project.zkey(NAME), wtns)
    assert worker.pid not in (None, first)


def test_a_hung_worker_times_out_and_is_replaced(
    proving: Workspace, wtns: Path, tmp_path: Path
) -> None:
    p = proving.project
    fifo = tmp_path / "input.json"
    os.mkfifo(fifo)  # nobody writes: the worker waits on it for ever
    with SnarkjsWorker(proving.tools, WorkerLimits(timeout=2)) as worker:
        worker.request("ping")
        first = worker.pid
        with pytest.raises(SnarkjsWorkerError) as failed:
            worker.fullprove(p.zkey(NAME), p.wasm(NAME), fifo)
        assert str(failed.value) == (
            f"the snarkjs worker did not answer fullprove within 2 s: stopped; {RESTARTS}"
        )
        worker.prove(p.zkey(NAME), wtns)
        assert worker.pid not in (None, first)


def test_bad_requests_answer_ok_false_and_the_worker_stays(
    proving: Workspace, worker: SnarkjsWorker, wtns: Path, tmp_path: Path
) -> None:
    p = proving.project
    missing = tmp_path / "missing.zkey"
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    cases = {
        ("prove", (("zkey", str(missing)), ("wtns", str(wtns)))): (
            f"snarkjs worker prove: zkey {missing}: not found"
        ),
        ("prove", (("zkey", "relative.zkey"), ("wtns", str(wtns)))): (
            "snarkjs worker prove: zkey: expected an absolute path"
        ),
        ("prove", (("zkey", str(p.zkey(NAME))), ("wtns", str(p.zkey(NAME))))): (
            f"snarkjs worker prove: {p.zkey(NAME)}: Invalid File format"
        ),
        ("fullprove", (("zkey", str(p.zkey(NAME))), ("wasm", str(p.wasm(NAME))),
                       ("input", str(garbage)))): (
            f"snarkjs worker fullprove: input {garbage}: not valid JSON: Expected property name"
            " or '}' in JSON at position 1"
        ),
        ("sign", ()): (
            'snarkjs worker sign: unknown op "sign": expected one of ping, stats, prove,'
            " fullprove, verify, vkey"  # vkey: issue 17
        ),
    }  # fmt: skip
    worker.request("ping")
    pid = worker.pid
    for (op, fields), message in cases.items():
        with pytest.raises(SnarkjsWorkerError) as failed:
            worker.request(op, **dict(fields))
        assert str(failed.value) == message
    assert worker.pid == pid
    worker.prove(p.zkey(NAME), wtns)


def test_malformed_lines_answer_ok_false_and_stdout_has_only_answers(proving: Workspace) -> None:
    lines = [
        "{not json",
        "[1, 2]",
        '{"id": {}, "op": "ping"}',
        '{"id": 7, "op": "prove"}',
        '{"id": "x", "op": "__proto__"}',
        '{"id": 8, "op": "ping"}',
    ]
    done = subprocess.run(
        worker_argv(proving.tools, WorkerLimits()),
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    ops = "expected one of ping, stats, prove, fullprove, verify, vkey"  # vkey: issue 17
    assert answers == [
        {
            "id": None,
            "ok": False,
            "error": "malformed request: Expected property name or '}' in JSON at position 1",
        },
        {"id": None, "ok": False, "error": "malformed request: expected a JSON object"},
        {
            "id": None,
            "ok": False,
            "error": "malformed request: id must be a string or an integer",
        },
        {"id": 7, "ok": False, "error": "zkey: expected an absolute path"},
        {"id": "x", "ok": False, "error": f'unknown op "__proto__": {ops}'},
        {"id": 8, "ok": True},
    ]


def copies_of_the_key(proving: Workspace, folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    keys = [folder / f"k{i}.zkey" for i in range(count)]
    for key in keys:
        shutil.copy(proving.project.zkey(NAME), key)
    return keys


def held(worker: SnarkjsWorker) -> list[str]:
    return [Path(entry["path"]).name for entry in worker.stats()["entries"]]


def test_the_lru_evicts_beyond_its_count(proving: Workspace, wtns: Path, tmp_path: Path) -> None:
    a, b, c = copies_of_the_key(proving, tmp_path / "keys", 3)
    with SnarkjsWorker(proving.tools, WorkerLimits(max_entries=2)) as worker:
        for key in (a, b, a, c):
            worker.prove(key, wtns)
        assert held(worker) == ["k0.zkey", "k2.zkey"]  # b was the least recently used
        worker.prove(b, wtns)
        stats = worker.stats()
    assert [Path(e["path"]).name for e in stats["entries"]] == ["k2.zkey", "k1.zkey"]
    assert (stats["loads"], stats["hits"], stats["evictions"]) == (4, 1, 2)


def test_the_lru_evicts_beyond_its_bytes(proving: Workspace, wtns: Path, tmp_path: Path) -> None:
    a, b = copies_of_the_key(proving, tmp_path / "keys", 2)
    size = a.stat().st_size
    with SnarkjsWorker(proving.tools, WorkerLimits(max_bytes=size * 3 // 2)) as worker:
        worker.prove(a, wtns)
        worker.prove(b, wtns)
        assert held(worker) == ["k1.zkey"]
    with SnarkjsWorker(proving.tools, WorkerLimits(max_bytes=size - 1)) as worker:
        worker.prove(a, wtns)  # used, not kept: alone it is over the bound
        assert held(worker) == []


def test_a_snarkjs_batch_proves_on_one_worker_per_process(
    proving: Workspace, tmp_path: Path
) -> None:
    prover = LoadedProver(prover_spec(proving, "snarkjs"))
    assert prover.worker is not None
    inputs = json.loads((GIVEN / "valid.json").read_text())
    outcomes = [prover.prove(inputs, f"in{i}.json") for i in range(3)]
    assert all(o.ok for o in outcomes), [o.reason for o in outcomes]
    (entry,) = prover.worker.stats()["entries"]
    assert (entry["kind"], entry["loads"], entry["uses"]) == ("zkey", 1, 3)
    prover.worker.close()


def test_snarkjs_batch_proofs_verify_under_the_snarkjs_cli(
    proving: Workspace, tmp_path: Path
) -> None:
    inputs, out = valid_inputs(tmp_path / "in"), tmp_path / "out"
    result = prove_batch(proving, NAME, batch_inputs(inputs, out), out, "snarkjs", jobs=2)
    assert not result.failed and result.backend == "snarkjs"
    cli = SnarkjsBackend(proving.tools)
    for folder in (out / "valid", out / "valid_large"):
        proof, public = folder / "proof.json", folder / "public.json"
        assert cli.verify(proving.project.vkey(NAME), public, proof)
        assert verifies_natively(proving, proof, public)
