"""The rapidsnark backend: iden3's C++ Groth16 prover (proving only), built by the user.

The binary is `$ZKT_RAPIDSNARK` when set (a path that is not an executable file is refused in
one line), else the first of `rapidsnark`, `prover` on PATH. It is run as
`prover <zkey> <wtns> <proof.json> <public.json>` into a private temp folder. rapidsnark v0.0.6
reads the witness without checking its length, so the witness is checked against the key first.
What it writes is kept only when it parses strictly and verifies natively against the key
(`check_proof_from`, as for snarkjs: a damaged key gives a bad proof without a word), and is
then written in snarkjs's layout (rapidsnark leaves out the proof's "curve").
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
from pathlib import Path

from toolchain.backends.snarkjs import check_proof_from
from toolchain.errors import CommandError, InvalidValueError, UsageError
from toolchain.formats.snarkjs_json import dump_proof, dump_public
from toolchain.formats.wtns import read_wtns
from toolchain.formats.zkey import open_zkey
from toolchain.fsutil import write_atomic
from toolchain.runner import command

ENV = "ZKT_RAPIDSNARK"
PROGRAMS = ("rapidsnark", "prover")


class RapidsnarkError(CommandError):
    """The binary failed: prints as one line (its key and fault); keeps argv and output tail."""

    def __init__(self, done: command.Completed, zkey: Path) -> None:
        super().__init__(done.argv, str(Path.cwd()), done.returncode, command.output_tail(done))
        self.summary = f"rapidsnark ({done.argv[0]}) failed on {zkey}: {fault_line(done)}"

    def __str__(self) -> str:
        return self.summary


def fault_line(done: command.Completed) -> str:
    """rapidsnark's last output line (it prints the C++ exception's message), its signal, or that
    it exited 0 without its files."""
    if done.returncode < 0:
        return f"killed by {signal.Signals(-done.returncode).name}"
    if done.returncode == 0:
        return "it exited 0 without writing proof.json and public.json"
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return command.last_line(lines, done.returncode)


def configured_program() -> Path | None:
    """`$ZKT_RAPIDSNARK` when set (UsageError unless it is an executable file), else None."""
    raw = os.environ.get(ENV)
    if not raw:
        return None
    path = Path(raw)
    if not path.exists():
        fault = "no such file"
    elif not path.is_file() or not os.access(path, os.X_OK):
        fault = "not an executable file"
    else:
        return path.absolute()
    raise UsageError(f"{ENV}={raw}: {fault}: set it to the rapidsnark prover binary, or unset it")


def find_program() -> Path | None:
    """The rapidsnark binary: `$ZKT_RAPIDSNARK`, else `rapidsnark` or `prover` on PATH."""
    configured = configured_program()
    if configured is not None:
        return configured
    return next((p for p in map(command.which, PROGRAMS) if p is not None), None)


class RapidsnarkBackend:
    """iden3's C++ prover: `prover <zkey> <wtns> <proof.json> <public.json>`."""

    name = "rapidsnark"
    can_prove = True
    can_verify = False

    def available(self) -> bool:
        """A rapidsnark binary is configured or on PATH (UsageError: $ZKT_RAPIDSNARK is wrong)."""
        return find_program() is not None

    def missing(self) -> str:
        """What stops rapidsnark from running, or ''."""
        if self.available():
            return ""
        return f"{ENV} is not set and none of {', '.join(PROGRAMS)} is on PATH"

    def prove(self, zkey: Path, wtns: Path, proof_out: Path, public_out: Path) -> None:
        """Run the binary into a temp dir; keep its proof only once checked against the key."""
        program = find_program()
        if program is None:
            raise UsageError(self.missing())
        check_witness_length(zkey, wtns)
        with tempfile.TemporaryDirectory(dir=proof_out.parent, prefix=".zkt-prove-") as tmp:
            proof, public = Path(tmp) / "proof.json", Path(tmp) / "public.json"
            argv = [str(program), str(zkey), str(wtns), str(proof), str(public)]
            done = command.run(argv, check=False)
            if done.returncode != 0 or not (proof.is_file() and public.is_file()):
                raise RapidsnarkError(done, zkey)  # v0.0.6 exits 0 when it cannot write them
            add_curve(proof)
            parsed, inputs = check_proof_from(zkey, proof, public, maker="rapidsnark")
        write_atomic(proof_out, dump_proof(parsed).encode())
        write_atomic(public_out, dump_public(inputs).encode())

    def verify(self, vkey: Path, public: Path, proof: Path) -> bool:
        """rapidsnark only proves."""
        raise UsageError("rapidsnark only proves: verify with --backend native or snarkjs")


def check_witness_length(zkey: Path, wtns: Path) -> None:
    """rapidsnark v0.0.6 reads as many witness values as the key has signals, whatever the
    witness holds: a witness of another length (a key of another circuit) is refused first."""
    count, n_vars = len(read_wtns(wtns)), open_zkey(zkey).header.n_vars
    if count != n_vars:
        raise InvalidValueError(
            f"{zkey}: the key's circuit has {n_vars} signals, the witness {count}:"
            " not this circuit's key"
        )


def add_curve(proof: Path) -> None:
    """rapidsnark v0.0.6 writes snarkjs's proof.json without `"curve": "bn128"` (it proves on
    BN254 only): add it, so that the strict reader checks the rest."""
    try:
        made = json.loads(proof.read_bytes())
    except ValueError:
        return  # not JSON: the strict reader names the fault
    if isinstance(made, dict) and "curve" not in made:
        proof.write_text(json.dumps({**made, "curve": "bn128"}))
