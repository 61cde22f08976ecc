"""`--executor dask://HOST:PORT`: a real 2-process Dask LocalCluster on 127.0.0.1 gives the
local batch's proofs byte for byte (fixed blinding travels in the worker plugin's spec), the
same per-input reasons, refuses a key whose sha256 differs, stops a plugin's snarkjs worker
(node) when the plugin is removed or its worker closes, and an unreachable scheduler is one
line."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, Worker

from tests.conftest import tree
from tests.integration.batch_helpers import (
    BLINDING,
    GIVEN,
    HOSTILE_REPORT,
    NAME,
    complete_sets,
    hostile_inputs,
    keyed_project,
    many_inputs,
    prover_spec,
    start_batch,
    valid_inputs,
    workers_of,
    zkt_batch,
)
from tests.integration.helpers import loopback_cluster
from toolchain.api.batch import batch_inputs, prove_batch
from toolchain.api.workspace import Workspace
from toolchain.backends.batch import Job, LoadedProver, ProverSpec
from toolchain.backends.cluster import (
    KeyPlugin,
    held_spec,
    plugin_name,
    prove_on_worker,
    register,
    run_dask,
)
from toolchain.errors import IntegrityError
from toolchain.hashing import hash_file


@pytest.fixture(scope="module")
def proving(tmp_path_factory: pytest.TempPathFactory, dev_ptau: Path) -> Workspace:
    """A project with a test key for NAME."""
    return keyed_project(tmp_path_factory.mktemp("cluster"), dev_ptau)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The scheduler address of 2 worker processes, 1 thread each, on loopback."""
    with loopback_cluster(2) as local:
        yield local.scheduler_address


def executor(address: str) -> str:
    """`--executor` for a scheduler address tcp://HOST:PORT."""
    return "dask://" + address.removeprefix("tcp://")


def test_the_cluster_batch_equals_the_local_batch(
    proving: Workspace, cluster: str, tmp_path: Path
) -> None:
    inputs = valid_inputs(tmp_path / "in")
    for out, where, jobs in (("local", "local", 2), ("cluster", executor(cluster), 1)):
        found = batch_inputs(inputs, tmp_path / out)
        result = prove_batch(
            proving, NAME, found, tmp_path / out, "native", jobs=jobs, executor=where,
            blinding=BLINDING,
        )  # fmt: skip
        assert not result.failed and len(result.outcomes) == 2
    assert tree(tmp_path / "cluster") == tree(tmp_path / "local")
    assert len(tree(tmp_path / "local")) == 4


def test_the_cluster_reports_each_bad_input_like_the_local_pool(
    proving: Workspace, cluster: str, tmp_path: Path
) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    hostile_inputs(inputs)
    done = zkt_batch(proving, inputs, out, "--executor", executor(cluster))
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert {line for line in done.stderr.splitlines() if line.startswith(NAME)} == HOSTILE_REPORT
    assert done.stderr.splitlines()[-1] == (
        f"zkt: error: 4 of 5 inputs failed; the 1 proved are in {out}"
    )
    assert sorted(tree(out)) == ["valid/proof.json", "valid/public.json"]


def loaded_provers(address: str, name: str) -> dict[str, tuple[int, ProverSpec | None]]:
    """Each worker's prover object id and spec for plugin `name`."""

    def held(dask_worker: Worker) -> tuple[int, ProverSpec | None]:
        plugin = dask_worker.plugins[name]
        assert isinstance(plugin, KeyPlugin)
        # Kept alive on the worker: a freed prover's id may be given to the next one.
        seen = dask_worker.__dict__.setdefault("zkt_test_provers", [])
        seen.append(plugin.prover)
        return id(plugin.prover), held_spec(name, dask_worker)

    with Client(address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        return client.run(held)  # type: ignore[no-any-return]


def test_the_next_batch_finds_the_key_loaded_unless_its_spec_differs(
    proving: Workspace, cluster: str, tmp_path: Path
) -> None:
    inputs = valid_inputs(tmp_path / "in")
    name = plugin_name(NAME, hash_file(proving.project.zkey(NAME)))

    def batch(out: Path, blinding: tuple[int, int] | None) -> None:
        found = batch_inputs(inputs, out)
        prove_batch(
            proving, NAME, found, out, "native", executor=executor(cluster), blinding=blinding
        )

    batch(tmp_path / "first", BLINDING)
    first = loaded_provers(cluster, name)
    batch(tmp_path / "again", BLINDING)
    assert loaded_provers(cluster, name) == first  # the same objects: not loaded again
    batch(tmp_path / "other", None)
    other = loaded_provers(cluster, name)
    assert len(other) == 2
    for worker, (prover, spec) in other.items():
        assert prover != first[worker][0] and spec is not None and spec.blinding is None


def test_workers_refuse_a_key_whose_sha256_is_not_the_task_s(
    proving: Workspace, cluster: str
) -> None:
    spec = replace(prover_spec(proving), zkey_sha256="ab" * 32)
    outcomes = run_dask(spec, [Job("valid.json", {})], cluster)
    with pytest.raises(IntegrityError, match=f"is not the batch.s key {spec.zkey_sha256[:16]}…"):
        next(outcomes)


def test_a_task_for_a_key_no_plugin_loaded_fails(proving: Workspace, cluster: str) -> None:
    with Client(cluster, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        task = client.submit(prove_on_worker, NAME, "cd" * 32, {}, "valid.json", pure=False)
        with pytest.raises(IntegrityError, match=f"{NAME}: this worker holds no key with sha256"):
            task.result()


def node_pids(client: Client, name: str) -> dict[str, int]:
    """Each worker's persistent snarkjs worker pid in its plugin `name` (running)."""

    def pid(dask_worker: Worker) -> int:
        plugin = dask_worker.plugins[name]
        assert isinstance(plugin, KeyPlugin) and isinstance(plugin.prover, LoadedProver)
        assert plugin.prover.worker is not None and plugin.prover.worker.pid is not None
        return plugin.prover.worker.pid

    return client.run(pid)  # type: ignore[no-any-return]


def prove_on_each(client: Client, spec: ProverSpec) -> dict[str, int]:
    """Register `spec`, prove the valid input on every worker: the node pid each started."""
    register(client, spec)
    inputs = json.loads((GIVEN / "valid.json").read_text())
    for address in client.scheduler_info()["workers"]:
        task = client.submit(
            prove_on_worker, NAME, spec.zkey_sha256, inputs, "valid.json", pure=False,
            workers=[address],
        )  # fmt: skip
        assert task.result().ok
    return node_pids(client, plugin_name(NAME, spec.zkey_sha256))


def test_a_removed_plugin_stops_its_snarkjs_worker(proving: Workspace, cluster: str) -> None:
    spec = prover_spec(proving, "snarkjs")
    with Client(cluster, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        pids = prove_on_each(client, spec)
        assert len(pids) == 2 and all(running(pid) for pid in pids.values())
        client.unregister_worker_plugin(plugin_name(NAME, spec.zkey_sha256))
    assert not any(running(pid) for pid in pids.values())


def test_a_closing_worker_stops_its_snarkjs_worker(proving: Workspace) -> None:
    """In process (no nanny): node is this process's child, so only the teardown ends it."""
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0"
    ) as local:
        with Client(local, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            (pid,) = prove_on_each(client, prover_spec(proving, "snarkjs")).values()
        assert running(pid)
    assert not running(pid)


def running(pid: int) -> bool:
    """Whether process `pid` exists (reaped children are gone from /proc)."""
    return Path(f"/proc/{pid}").exists()


CLUSTER_SCRIPT = """
import sys, time
from distributed import LocalCluster
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        print(cluster.scheduler_address, flush=True)
        time.sleep(600)
"""


@pytest.fixture
def own_cluster(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A LocalCluster in a process group of its own (to kill), and its scheduler address."""
    script = tmp_path / "cluster.py"
    script.write_text(CLUSTER_SCRIPT)
    process = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    address = process.stdout.readline().strip()
    yield process, address
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()


def test_a_killed_dask_worker_is_replaced_and_the_batch_completes(
    proving: Workspace, own_cluster: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    cluster, address = own_cluster
    inputs, out = many_inputs(tmp_path / "in", 60), tmp_path / "out"
    batch = start_batch(proving, inputs, out, "--executor", executor(address))
    os.kill(workers_of(cluster.pid)[0], signal.SIGKILL)  # its nanny starts another
    _, stderr = batch.communicate(timeout=300)
    assert batch.returncode == 0, stderr
    assert stderr.splitlines()[-1].split()[:2] == ["60", "0"]
    complete_sets(out)


def test_a_lost_scheduler_stops_the_batch_in_one_line(
    proving: Workspace, own_cluster: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    cluster, address = own_cluster
    inputs, out = many_inputs(tmp_path / "in", 80), tmp_path / "out"
    batch = start_batch(proving, inputs, out, "--executor", executor(address))
    os.killpg(cluster.pid, signal.SIGKILL)
    stdout, stderr = batch.communicate(timeout=120)
    assert batch.returncode == 4, stderr
    assert stdout == "" and stderr == (
        f"zkt: error: lost the Dask scheduler at {address}: the batch stopped\n"
    )
    assert 0 < len(list(out.iterdir())) < 80
    complete_sets(out)


def test_an_unreachable_scheduler_is_one_line(proving: Workspace, tmp_path: Path) -> None:
    inputs, out = valid_inputs(tmp_path / "in"), tmp_path / "out"
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = zkt_batch(proving, inputs, out, "--executor", f"dask://127.0.0.1:{port}")
    assert done.returncode == 3 and done.stdout == "", done.stderr
    assert done.stderr == (
        f"zkt: error: no Dask scheduler answers at tcp://127.0.0.1:{port} within 10 s: start one"
        " (dask scheduler) or fix --executor\n"
    )
    assert not out.exists()
