"""A persistent snarkjs worker: the pinned snarkjs as a library in one long-lived `node` process.

The worker (`js/snarkjs_worker.cjs`, shipped in the package; its docstring has the protocol)
keeps proving keys and witness wasm loaded, LRU-bounded, and answers one JSON request per line.
`SnarkjsWorker` starts it through `command.spawn` when first needed, sends requests with ids and
waits for the matching answer up to a timeout. A worker that dies or does not answer in time
fails the request in flight with one line (`SnarkjsWorkerError`) and is replaced for the next
one; one found dead before a request is replaced first (a worker still dying then, its threads
not all gone, takes that request down with it). Paths are sent absolute; the worker reads
nothing else. A worker whose parent exits reads EOF on its stdin and exits too.
"""

from __future__ import annotations

import itertools
import json
import queue
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from toolchain.errors import CommandError
from toolchain.runner import command
from toolchain.runner.snarkjs import fault_line
from toolchain.runner.tools import Tools, node_path

WORKER_JS = Path(__file__).parent / "js" / "snarkjs_worker.cjs"
STDERR_TAIL = 8192
CLOSE_GRACE = 5.0


@dataclass(frozen=True)
class WorkerLimits:
    """What the worker keeps loaded (entries, bytes) and how long one answer may take (s)."""

    max_entries: int = 8
    max_bytes: int = 2 << 30
    timeout: float = 600.0


class SnarkjsWorkerError(CommandError):
    """A request failed, or the worker died or hung: prints as one line; keeps argv and tail."""

    def __init__(self, argv: list[str], summary: str, returncode: int = 0, tail: str = "") -> None:
        super().__init__(argv, str(Path.cwd()), returncode, tail)
        self.summary = summary

    def __str__(self) -> str:
        return self.summary


def worker_argv(tools: Tools, limits: WorkerLimits) -> list[str]:
    """`node snarkjs_worker.cjs --node-modules=... --max-entries=... --max-bytes=...`."""
    tools.require("snarkjs")
    return [
        str(node_path()), str(WORKER_JS), f"--node-modules={tools.node_modules}",
        f"--max-entries={limits.max_entries}", f"--max-bytes={limits.max_bytes}",
    ]  # fmt: skip


class _Child:
    """One running worker: the process, a thread queueing its stdout lines, its stderr file."""

    def __init__(self, argv: list[str]) -> None:
        self.stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        try:
            self.proc = command.spawn(argv, stderr=self.stderr)
        except BaseException:
            self.stderr.close()
            raise
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None  # spawn gives a stdout pipe
        with self.proc.stdout:
            for line in self.proc.stdout:
                self.lines.put(line)
        self.lines.put(b"")  # EOF: the worker is gone

    def send(self, payload: dict[str, object]) -> bool:
        """Write one request line; False when the worker's stdin is already closed."""
        assert self.proc.stdin is not None  # spawn gives a stdin pipe
        try:
            self.proc.stdin.write(json.dumps(payload).encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            return False
        return True

    def how_it_ended(self) -> str:
        """`killed by SIGKILL` or `exit code N: <fault from its stderr>` (its stdout has ended:
        it exits, or is killed after a grace period)."""
        code = command.stop(self.proc, CLOSE_GRACE)
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}: {fault_line(self.stderr_tail(), code)}"

    def stderr_tail(self) -> str:
        """The end of what the worker wrote on stderr."""
        self.stderr.seek(0)
        return self.stderr.read()[-STDERR_TAIL:].decode(errors="replace")

    def stop(self, grace: float = 0.0) -> None:
        """EOF on its stdin (it exits after the request under way), killed after `grace` s."""
        command.stop(self.proc, grace)
        self.reader.join(CLOSE_GRACE)  # EOF follows the exit: the reader closes stdout
        self.stderr.close()


class SnarkjsWorker:
    """A client of one persistent snarkjs worker, started when first used, replaced if it dies.

    Requests are answered one at a time (a lock serialises callers from several threads).
    """

    def __init__(self, tools: Tools, limits: WorkerLimits | None = None) -> None:
        self.limits = limits or WorkerLimits()
        self.argv = worker_argv(tools, self.limits)
        self._child: _Child | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The running worker's process id, or None before the first request or after close."""
        return None if self._child is None else self._child.proc.pid

    def prove(self, zkey: Path, wtns: Path, protocol: str = "groth16") -> tuple[str, str]:
        """proof.json and public.json texts for a witness file, formatted as the CLI writes them;
        `protocol` is the key's (groth16, plonk, fflonk: the worker refuses a key of another)."""
        paths = {"zkey": absolute(zkey), "wtns": absolute(wtns)}
        return proof_texts(self.request("prove", **paths, **_protocol_field(protocol)))

    def fullprove(
        self, zkey: Path, wasm: Path, input_json: Path, protocol: str = "groth16"
    ) -> tuple[str, str]:
        """proof.json and public.json texts for an input file (witness by the circuit's wasm)."""
        paths = {"zkey": absolute(zkey), "wasm": absolute(wasm), "input": absolute(input_json)}
        return proof_texts(self.request("fullprove", **paths, **_protocol_field(protocol)))

    def verification_key(self, zkey: Path) -> dict[str, Any]:
        """The verification key snarkjs exports from a key (any protocol), as a JSON object."""
        vkey: dict[str, Any] = self.request("vkey", zkey=absolute(zkey))["vkey"]
        return vkey

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """snarkjs's verdict on a proof (the count of public signals checked too)."""
        paths = {"vkey": absolute(vkey), "public": absolute(public), "proof": absolute(proof)}
        return self.request("verify", **paths).get("valid") is True

    def stats(self) -> dict[str, Any]:
        """What the worker holds: entries (kind, path, bytes, loads, uses), loads, evictions."""
        return self.request("stats")

    def request(self, op: str, **fields: object) -> dict[str, Any]:
        """The worker's answer to one request (SnarkjsWorkerError for ok: false, death, timeout)."""
        with self._lock:
            child = self._running()
            ident = next(self._ids)
            if not child.send({"id": ident, "op": op, **fields}):
                raise self._died(child, op)
            answer = self._answer(child, ident, op)
        if answer.get("ok") is not True:
            raise SnarkjsWorkerError(self.argv, f"snarkjs worker {op}: {answer.get('error')}")
        return answer

    def close(self) -> None:
        """Let the worker finish and exit (EOF on its stdin); kill it if it does not in time."""
        with self._lock:
            if self._child is not None:
                self._child.stop(CLOSE_GRACE)
                self._child = None

    def __enter__(self) -> SnarkjsWorker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _running(self) -> _Child:
        """The live worker: a new one when there is none or the last one has exited."""
        if self._child is not None and self._child.proc.poll() is not None:
            self._child.stop()
            self._child = None
        if self._child is None:
            self._child = _Child(self.argv)
        return self._child

    def _answer(self, child: _Child, ident: int, op: str) -> dict[str, Any]:
        """The answer with id `ident`, or the error that ends this worker."""
        try:
            line = child.lines.get(timeout=self.limits.timeout)
        except queue.Empty:
            raise self._hung(child, op) from None
        if not line:
            raise self._died(child, op)
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or answer.get("id") != ident:
            raise self._lost(child, op, line)
        return answer

    def _died(self, child: _Child, op: str) -> SnarkjsWorkerError:
        how, tail = child.how_it_ended(), child.stderr_tail()
        return self._ended(
            child,
            f"the snarkjs worker died during {op} ({how}): a new one starts for the next request",
            tail,
        )

    def _hung(self, child: _Child, op: str) -> SnarkjsWorkerError:
        return self._ended(
            child,
            f"the snarkjs worker did not answer {op} within {self.limits.timeout:g} s:"
            " stopped; a new one starts for the next request",
        )

    def _lost(self, child: _Child, op: str, line: bytes) -> SnarkjsWorkerError:
        text = line.decode(errors="replace").strip()[:200]
        return self._ended(child, f"the snarkjs worker answered {op} out of protocol: {text!r}")

    def _ended(self, child: _Child, summary: str, tail: str = "") -> SnarkjsWorkerError:
        """Stop `child` for good and the one-line error of the request it leaves unanswered."""
        returncode = child.proc.poll()
        child.stop()
        self._child = None
        return SnarkjsWorkerError(
            self.argv, summary, -1 if returncode is None else returncode, tail
        )


def _protocol_field(protocol: str) -> dict[str, str]:
    """A prove request's protocol: Groth16 is the worker's default and is not sent."""
    return {} if protocol == "groth16" else {"protocol": protocol}


def absolute(path: Path) -> str:
    """The absolute form of `path` (the worker refuses relative ones)."""
    return str(path.absolute())


def proof_texts(answer: dict[str, Any]) -> tuple[str, str]:
    """proof.json and public.json as `snarkjs <protocol> prove` writes them (one-space indent)."""
    return json.dumps(answer.get("proof"), indent=1), json.dumps(
        answer.get("publicSignals"), indent=1
    )
