"""The Dask executor: a batch on a `distributed` cluster, the key loaded by a worker plugin.

Every worker loads the prover from the paths in the `ProverSpec` (a shared filesystem) when
`KeyPlugin` is registered or when it joins later, after checking the key's sha256. Tasks carry
only the circuit name, the key's sha256 and the input: the plugin they find is named after both,
and a task for another key fails instead of proving with the wrong one. Keys are not scattered:
the active memory manager drops broadcast replicas. One proof at a time per worker (a lock):
the witness wasm and the engines are not shared between threads.

A plugin stays registered after its batch: the next batch with the same spec finds the key
loaded (registering it again is a no-op), one with another spec for the same key replaces it,
and a task that arrives while its plugin is being replaced waits for the new one to load. A
plugin removed or replaced, or its worker closing, stops its persistent snarkjs worker (node).

Each worker reports its key plugins with every heartbeat, as the custom metric KEYS_METRIC
(`key_states`: "loaded", or why a key could not load): a server reads whether a worker can prove
from the scheduler's information, without a round trip to every worker.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from distributed import Client, KilledWorker, Worker, WorkerPlugin, get_worker
from distributed import as_completed as dask_completed
from distributed.client import FutureCancelledError
from distributed.comm.core import CommClosedError

from toolchain.backends.batch import (
    Job,
    LoadedProver,
    Outcome,
    ProverSpec,
    WorkerError,
    load_prover,
)
from toolchain.errors import IntegrityError, ToolError, ZktError

CONNECT_SECONDS = 10
SWAP_SECONDS, LOAD_SECONDS, POLL_SECONDS = 2.0, 600.0, 0.05
KEYS_METRIC, LOADED, LOADING = "zkt-keys", "loaded", "loading"


def plugin_name(circuit: str, zkey_sha256: str) -> str:
    """The name the plugin of this circuit and key is registered under on every worker."""
    return f"zkt-prover-{circuit}-{zkey_sha256}"


class KeyPlugin(WorkerPlugin):
    """Loads a circuit's prover once on each worker (or keeps why it could not)."""

    prover: LoadedProver | ZktError | None = None  # None until `setup` has run on the worker
    lock: threading.Lock

    def __init__(self, spec: ProverSpec, *, replace: bool = False) -> None:
        """Keep the spec: it travels to the workers, the key stays on their disk. Registered
        again under its name, it is a no-op unless it should `replace` what is there."""
        self.spec = spec
        self.name = plugin_name(spec.circuit, spec.zkey_sha256)
        self.idempotent = not replace

    def setup(self, worker: Worker) -> None:
        """Load the prover from the spec's paths (why not is kept: IntegrityError, WorkerError),
        its MSMs on as many threads as the worker has (its share of the machine)."""
        self.lock = threading.Lock()
        worker.metrics[KEYS_METRIC] = key_states
        threads = self.spec.threads or worker.state.nthreads
        self.prover = load_prover(replace(self.spec, threads=threads))

    async def teardown(self, worker: Worker) -> None:
        """When the plugin is removed or replaced, or the worker closes: `close`, off the
        worker's event loop (it waits for the proof under way)."""
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        """Stop the prover's persistent snarkjs worker, if it has one: its node process exits."""
        with self.lock:
            if isinstance(self.prover, LoadedProver) and self.prover.worker is not None:
                self.prover.worker.close()

    def prove(self, inputs: dict[str, object], source: str) -> Outcome:
        """One input, with the worker's loaded prover, one at a time."""
        if isinstance(self.prover, ZktError):
            raise self.prover
        assert self.prover is not None, "tasks wait for setup (`loaded_plugin`)"
        with self.lock:
            return self.prover.prove(inputs, source)


def key_states(worker: Worker) -> dict[str, str]:
    """Every key plugin of the worker by name: LOADED, LOADING, or why its key did not load."""
    return {
        name: _key_state(plugin)
        for name, plugin in worker.plugins.items()
        if isinstance(plugin, KeyPlugin)
    }


def _key_state(plugin: KeyPlugin) -> str:
    if plugin.prover is None:
        return LOADING
    return str(plugin.prover) if isinstance(plugin.prover, ZktError) else LOADED


def prove_on_worker(
    circuit: str, zkey_sha256: str, inputs: dict[str, object], source: str
) -> Outcome:
    """A cluster task: prove one input with the plugin loaded for this circuit and key."""
    plugin = loaded_plugin(get_worker(), plugin_name(circuit, zkey_sha256))
    if plugin is None:
        raise IntegrityError(f"{circuit}: this worker holds no key with sha256 {zkey_sha256}")
    return plugin.prove(inputs, source)


def loaded_plugin(worker: Worker, name: str) -> KeyPlugin | None:
    """The worker's plugin `name` once set up; a plugin being replaced or loading is waited
    for (up to SWAP_SECONDS for one to appear, LOAD_SECONDS for it to load)."""
    waited = 0.0
    while True:
        plugin = worker.plugins.get(name)
        if isinstance(plugin, KeyPlugin) and plugin.prover is not None:
            return plugin
        if waited >= (LOAD_SECONDS if isinstance(plugin, KeyPlugin) else SWAP_SECONDS):
            return None
        time.sleep(POLL_SECONDS)
        waited += POLL_SECONDS


def register(client: Client, spec: ProverSpec) -> None:
    """Load `spec` on every worker: a no-op where it is loaded already; where the same key was
    loaded with another spec (backend, engine, paths), replaced."""
    client.register_plugin(KeyPlugin(spec))
    held = client.run(held_spec, plugin_name(spec.circuit, spec.zkey_sha256))
    if any(other != spec for other in held.values()):
        client.register_plugin(KeyPlugin(spec, replace=True))


def held_spec(name: str, dask_worker: Worker) -> ProverSpec | None:
    """The spec a worker's plugin `name` was loaded with (run on every worker)."""
    plugin = dask_worker.plugins.get(name)
    return plugin.spec if isinstance(plugin, KeyPlugin) else None


def run_dask(spec: ProverSpec, jobs: Sequence[Job], address: str) -> Iterator[Outcome]:
    """`jobs` on the cluster at `address`, each outcome as it completes (connects at once).

    distributed logs its retries and lost connections to stderr, from its own thread, even
    after the client is closed: in a process that uses this executor only its critical records
    are shown; what goes wrong reaches the caller as one ToolError or WorkerError line.
    """
    for name in ("distributed", "distributed.client"):  # the client's logger has its own level
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return _outcomes(connect(address), address, spec, jobs)


def _outcomes(
    client: Client, address: str, spec: ProverSpec, jobs: Sequence[Job]
) -> Iterator[Outcome]:
    """Register the key's plugin, submit every job, yield the outcomes; then disconnect."""
    try:
        register(client, spec)
        futures = [
            client.submit(
                prove_on_worker, spec.circuit, spec.zkey_sha256, job.inputs, job.source,
                pure=False,
            )
            for job in jobs
        ]  # fmt: skip
        for future in dask_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
            yield future.result()
    except KilledWorker as exc:  # the workers that took one input all died
        raise WorkerError("Dask workers died proving one input: the batch stopped") from exc
    except (FutureCancelledError, CommClosedError) as exc:  # the scheduler went away
        raise WorkerError(f"lost the Dask scheduler at {address}: the batch stopped") from exc
    finally:
        client.close()  # type: ignore[no-untyped-call]


def connect(address: str) -> Client:
    """A client of the scheduler at `address` (ToolError, one line, when it does not answer)."""
    try:
        return Client(  # type: ignore[no-untyped-call]
            address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False
        )
    except (OSError, TimeoutError) as exc:
        raise ToolError(
            f"no Dask scheduler answers at {address} within {CONNECT_SECONDS} s: start one"
            " (dask scheduler) or fix --executor"
        ) from exc
