"""Groth16 phase 2 (circuit-specific): the initial key from a prepared ptau, key exports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from toolchain.formats.snarkjs_json import dump_verification_key, verification_key_from_zkey
from toolchain.formats.zkey import open_zkey
from toolchain.fsutil import refuse_overwrite, write_atomic
from toolchain.runner import command
from toolchain.runner import snarkjs as snarkjs_args
from toolchain.runner.tools import Tools, node_path


def new_zkey(tools: Tools, r1cs: Path, ptau: Path, out: Path) -> Path:
    """`snarkjs groth16 setup` into a temp file, renamed to `out` once snarkjs succeeded."""
    refuse_overwrite(out, r1cs, ptau)
    tools.require("snarkjs")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".zkt-setup-") as tmp:
        partial = Path(tmp) / out.name
        argv = snarkjs_args.setup_argv(r1cs, ptau, partial)
        command.run([str(node_path()), str(tools.snarkjs_cli), *argv])
        open_zkey(partial)  # snarkjs can exit 0 after a failed setup: check what it wrote
        partial.replace(out)
    return out


def export_verification_key(zkey: Path, out: Path) -> Path:
    """verification_key.json derived natively, byte-identical to `snarkjs zkey export`."""
    refuse_overwrite(out, zkey)
    vk = verification_key_from_zkey(open_zkey(zkey))
    write_atomic(out, dump_verification_key(vk).encode())
    return out
