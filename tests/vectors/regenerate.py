"""Rebuild the committed snarkjs/circom test vectors in tests/vectors (see README.md).

Usage:
    python tests/vectors/regenerate.py --tools DIR            rewrite the vectors in place
    python tests/vectors/regenerate.py --tools DIR --check    rebuild in a temp dir, compare bytes

DIR is the node_modules directory holding the pinned snarkjs, circom2 and circomlib (default:
$ZKT_NODE_MODULES). Every node process runs with deterministic_random.cjs preloaded, so the
"random" contributions and proofs come out byte-identical on every run.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRELOAD = HERE / "deterministic_random.cjs"
CIRCUITS = ("multiplier", "poly")
POWER = 4
PTAU_BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
ZKEY_BEACON = "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40"
BEACON_EXP = "10"

PTAU_FILES = (
    "pot4_0000.ptau",
    "pot4_0001.ptau",
    "pot4_0002.ptau",
    "pot4_beacon.ptau",
    "pot4_final.ptau",
    "pot4_final.json",
    "pot4_final.verify.log",
)
CIRCUIT_FILES = (
    "{c}.r1cs",
    "{c}.sym",
    "{c}.wasm",
    "{c}_0000.zkey",
    "{c}_0001.zkey",
    "{c}_0002.zkey",
    "{c}_final.zkey",
    "{c}_final.zkey.json",
    "{c}_final.verify.log",
    "verification_key.json",
    "witness.wtns",
    "proof.json",
    "public.json",
)


class Tools:
    """The pinned JavaScript tools and how to call them with the deterministic RNG."""

    def __init__(self, node_modules: Path) -> None:
        self.node_modules = node_modules
        self.snarkjs = node_modules / "snarkjs" / "build" / "cli.cjs"
        self.circom = node_modules / "circom2" / "cli.js"
        for path in (self.snarkjs, self.circom, node_modules / "circomlib"):
            if not path.exists():
                sys.exit(f"regenerate.py: {path} not found (pass --tools or set ZKT_NODE_MODULES)")

    def run(self, cwd: Path, seed: str, program: Path, *args: str) -> str:
        """Run one node program with the deterministic RNG seeded by `seed`; return its stdout."""
        argv = ["node", "--require", str(PRELOAD), str(program), *args]
        env = {**os.environ, "ZKT_VECTOR_SEED": seed}
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0 or "[ERROR]" in done.stdout:
            sys.exit(f"regenerate.py: {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def snark(self, cwd: Path, seed: str, *args: str) -> str:
        """One snarkjs command; return its stdout."""
        return self.run(cwd, seed, self.snarkjs, *args)


def save_log(path: Path, stdout: str) -> None:
    """Keep a snarkjs log without its colour codes (tests read hashes and names from it)."""
    path.write_text(re.sub(r"\x1b\[[0-9;]*m", "", stdout))


def build_ptau(tools: Tools, out: Path) -> None:
    """Phase 1: new, two contributions, a beacon, prepare phase 2, verify, export JSON."""
    s = tools.snark
    s(out, "ptau-new", "powersoftau", "new", "bn128", str(POWER), "pot4_0000.ptau")
    s(
        out,
        "ptau-1",
        "powersoftau",
        "contribute",
        "pot4_0000.ptau",
        "pot4_0001.ptau",
        "--name=First contribution",
        "-e=vector entropy one",
    )
    s(
        out,
        "ptau-2",
        "powersoftau",
        "contribute",
        "pot4_0001.ptau",
        "pot4_0002.ptau",
        "--name=Second contribution",
        "-e=vector entropy two",
    )
    s(
        out,
        "ptau-beacon",
        "powersoftau",
        "beacon",
        "pot4_0002.ptau",
        "pot4_beacon.ptau",
        PTAU_BEACON,
        BEACON_EXP,
        "--name=Final beacon",
    )
    s(
        out,
        "ptau-prepare",
        "powersoftau",
        "prepare",
        "phase2",
        "pot4_beacon.ptau",
        "pot4_final.ptau",
    )
    log = s(out, "ptau-verify", "powersoftau", "verify", "pot4_final.ptau")
    save_log(out / "pot4_final.verify.log", log)
    s(out, "ptau-json", "powersoftau", "export", "json", "pot4_final.ptau", "pot4_final.json")


def build_circuit(tools: Tools, out: Path, name: str) -> None:
    """Compile one circuit, run phase 2 on it, and make a witness and a proof."""
    work = out / name
    work.mkdir()
    shutil.copy(HERE / "circuits" / f"{name}.circom", work)
    tools.run(
        work,
        "circom",
        tools.circom,
        f"{name}.circom",
        "--r1cs",
        "--wasm",
        "--sym",
        "-o",
        ".",
        "-l",
        str(tools.node_modules),
    )
    shutil.move(work / f"{name}_js" / f"{name}.wasm", work / f"{name}.wasm")
    ptau = str(out / "pot4_final.ptau")
    s = tools.snark
    s(work, f"{name}-setup", "groth16", "setup", f"{name}.r1cs", ptau, f"{name}_0000.zkey")
    s(
        work,
        f"{name}-1",
        "zkey",
        "contribute",
        f"{name}_0000.zkey",
        f"{name}_0001.zkey",
        "--name=First phase2 contribution",
        "-e=phase2 entropy one",
    )
    s(
        work,
        f"{name}-2",
        "zkey",
        "contribute",
        f"{name}_0001.zkey",
        f"{name}_0002.zkey",
        "--name=Second phase2 contribution",
        "-e=phase2 entropy two",
    )
    s(
        work,
        f"{name}-beacon",
        "zkey",
        "beacon",
        f"{name}_0002.zkey",
        f"{name}_final.zkey",
        ZKEY_BEACON,
        BEACON_EXP,
        "--name=Final phase2 beacon",
    )
    log = s(work, f"{name}-verify", "zkey", "verify", f"{name}.r1cs", ptau, f"{name}_final.zkey")
    save_log(work / f"{name}_final.verify.log", log)
    s(
        work,
        f"{name}-vkey",
        "zkey",
        "export",
        "verificationkey",
        f"{name}_final.zkey",
        "verification_key.json",
    )
    s(
        work,
        f"{name}-json",
        "zkey",
        "export",
        "json",
        f"{name}_final.zkey",
        f"{name}_final.zkey.json",
    )
    inputs = str(HERE / "circuits" / f"{name}.input.json")
    s(work, f"{name}-wtns", "wtns", "calculate", f"{name}.wasm", inputs, "witness.wtns")
    s(
        work,
        f"{name}-prove",
        "groth16",
        "prove",
        f"{name}_final.zkey",
        "witness.wtns",
        "proof.json",
        "public.json",
    )
    s(
        work,
        f"{name}-gverify",
        "groth16",
        "verify",
        "verification_key.json",
        "public.json",
        "proof.json",
    )


PLONK_FILES = (
    "plonk/{c}_plonk.zkey",
    "plonk/verification_key.json",
    "plonk/proof.json",
    "plonk/public.json",
)


def build_plonk(tools: Tools, out: Path, name: str) -> None:
    """PLONK on the same circuit and ptau: setup (no phase 2), vkey, a proof that verifies."""
    work = out / name / "plonk"
    work.mkdir()
    r1cs, wtns, ptau = (
        out / name / f"{name}.r1cs",
        out / name / "witness.wtns",
        out / "pot4_final.ptau",
    )
    zkey = f"{name}_plonk.zkey"
    s = tools.snark
    s(work, f"{name}-plonk-setup", "plonk", "setup", str(r1cs), str(ptau), zkey)
    s(
        work,
        f"{name}-plonk-vkey",
        "zkey",
        "export",
        "verificationkey",
        zkey,
        "verification_key.json",
    )
    s(work, f"{name}-plonk-prove", "plonk", "prove", zkey, str(wtns), "proof.json", "public.json")
    s(
        work,
        f"{name}-plonk-verify",
        "plonk",
        "verify",
        "verification_key.json",
        "public.json",
        "proof.json",
    )


def build_all(tools: Tools, out: Path) -> list[Path]:
    """Build every vector under `out`; return their paths relative to `out`."""
    build_ptau(tools, out)
    for name in CIRCUITS:
        build_circuit(tools, out, name)
        build_plonk(tools, out, name)
    files = [Path("ptau") / f for f in PTAU_FILES]
    files += [Path(c) / f.format(c=c) for c in CIRCUITS for f in CIRCUIT_FILES + PLONK_FILES]
    return files


def collect(out: Path, files: list[Path]) -> None:
    """Move the built files from their flat work layout into `out`'s committed layout."""
    (out / "ptau").mkdir()
    for name in PTAU_FILES:
        shutil.move(out / name, out / "ptau" / name)
    for rel in files:
        if not (out / rel).is_file():
            sys.exit(f"regenerate.py: expected output {rel} was not produced")


def main() -> int:
    """Rebuild the vectors, then either install them or compare them with the committed ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=os.environ.get("ZKT_NODE_MODULES"))
    parser.add_argument("--check", action="store_true", help="compare, do not overwrite")
    args = parser.parse_args()
    if args.tools is None:
        sys.exit("regenerate.py: pass --tools DIR or set ZKT_NODE_MODULES")
    tools = Tools(Path(args.tools).resolve())
    with tempfile.TemporaryDirectory(prefix="zkt-vectors-") as tmp:
        out = Path(tmp)
        files = build_all(tools, out)
        collect(out, files)
        if args.check:
            return compare(out, files)
        install(out, files)
    return 0


def compare(out: Path, files: list[Path]) -> int:
    """Report every committed vector that differs from a fresh build."""
    differ = [
        r
        for r in files
        if not (HERE / r).is_file() or not filecmp.cmp(out / r, HERE / r, shallow=False)
    ]
    for rel in differ:
        print(f"differs: tests/vectors/{rel}")
    print(f"{len(files) - len(differ)}/{len(files)} vectors reproduced byte for byte")
    return 1 if differ else 0


def install(out: Path, files: list[Path]) -> None:
    """Copy the fresh build over the committed vectors."""
    for rel in files:
        (HERE / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / rel, HERE / rel)
        print(f"wrote tests/vectors/{rel}")


if __name__ == "__main__":
    sys.exit(main())
