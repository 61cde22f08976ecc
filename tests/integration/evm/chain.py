"""Exported Solidity verifiers on an in-process EVM: compiled by the pinned solcjs, deployed and
called on py-evm through eth-tester, with calldata parsed the way a dapp does.

solcjs is a test-only npm package pinned by tests/evm/package-lock.json and installed with
`npm ci --ignore-scripts` in tests/evm (the nox tests session does it); its compiler
(soljson.js) ships inside the package, so nothing is downloaded at run time. The bench
(bench/run.py protocols) imports this module too.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from toolchain.runner import command
from toolchain.runner.tools import node_path

SOLC_DIR = Path(__file__).resolve().parents[2] / "evm"
SOLC_VERSION = "0.8.30"  # tests/evm/package.json: a 0.8 compiler, as the templates' pragma asks
EVM_VERSION = "prague"  # eth-tester's default fork on py-evm, and solc 0.8.30's default target
FUNCTION = "verifyProof"
Outcome = Literal["true", "false", "revert"]


def solc_missing() -> str | None:
    """Why the pinned solcjs cannot run here, or None."""
    if not (SOLC_DIR / "node_modules" / "solc" / "soljson.js").is_file():
        return f"solc is not installed: run `npm ci --ignore-scripts` in {SOLC_DIR}"
    return None


@dataclass(frozen=True)
class Contract:
    """A compiled contract: its ABI and creation bytecode."""

    abi: list[dict[str, Any]]
    bytecode: bytes

    @property
    def verify_inputs(self) -> list[str]:
        """The ABI types of verifyProof's arguments, e.g. ["uint256[24]", "uint256[1]"]."""
        (entry,) = [e for e in self.abi if e.get("name") == FUNCTION]
        return [arg["type"] for arg in entry["inputs"]]


def compile_verifiers(sources: Mapping[str, str]) -> dict[str, Contract]:
    """Compile every source (name -> Solidity text) in one solcjs run: name -> its contract.

    Each source holds one deployable contract (interfaces aside); an error fails. (Warnings pass:
    the templates read their arguments in assembly, which solc calls unused parameters.)"""
    request = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            "evmVersion": EVM_VERSION,
            "optimizer": {"enabled": True, "runs": 200},
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }
    argv = [str(node_path()), str(SOLC_DIR / "compile.cjs")]
    done = command.run(argv, cwd=SOLC_DIR, input=json.dumps(request))
    output = json.loads(done.stdout)
    problems = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    if problems:
        raise AssertionError("solc: " + "\n".join(problems))
    contracts = {}
    for name in sources:
        (built,) = [c for c in output["contracts"][name].values() if c["evm"]["bytecode"]["object"]]
        contracts[name] = Contract(built["abi"], bytes.fromhex(built["evm"]["bytecode"]["object"]))
    return contracts


def parse_calldata(text: str) -> list[int]:
    """Every number of `soliditycalldata` output, in order (a dapp's regex: the PLONK output
    has no comma between its two arrays and fflonk's hex is unquoted, so no JSON parse)."""
    return [int(token, 16) for token in re.findall(r"0x[0-9a-fA-F]+", text)]


def _dims(abi_type: str) -> list[int]:
    return [int(d) for d in re.findall(r"\[(\d+)\]", abi_type)]


def _shape(abi_type: str, flat: list[int]) -> Any:
    """`flat` as nested lists of `abi_type`'s fixed dimensions (innermost last in Solidity)."""
    values: list[Any] = [
        v.to_bytes(32, "big") if abi_type.startswith("bytes32") else v for v in flat
    ]
    for size in _dims(abi_type):  # uint256[2][2]: the first [2] is the innermost
        values = [values[i : i + size] for i in range(0, len(values), size)]
    return values[0]


def encode_call(contract: Contract, numbers: Sequence[int]) -> bytes:
    """verifyProof's calldata for `numbers`, shaped by the contract's ABI (ValueError on a count
    that does not fit it)."""
    from eth_abi import encode
    from eth_utils import function_signature_to_4byte_selector

    types = contract.verify_inputs
    sizes = [math.prod(_dims(t)) for t in types]
    if sum(sizes) != len(numbers):
        raise ValueError(f"{len(numbers)} numbers for {FUNCTION}({','.join(types)})")
    args, start = [], 0
    for abi_type, size in zip(types, sizes, strict=True):
        args.append(_shape(abi_type, list(numbers[start : start + size])))
        start += size
    selector = function_signature_to_4byte_selector(f"{FUNCTION}({','.join(types)})")
    return bytes(selector) + encode(types, args)


class Chain:
    """One in-process EVM (py-evm, eth-tester's default fork) and its first funded account."""

    def __init__(self) -> None:
        from eth_tester import EthereumTester

        self.tester = EthereumTester()
        self.account = self.tester.get_accounts()[0]

    def deploy(self, contract: Contract, constructor: tuple[str, Any] | None = None) -> Verifier:
        """Deploy `contract` (with one constructor argument: (ABI type, value)) as a Verifier."""
        from eth_abi import encode

        args = encode([constructor[0]], [constructor[1]]) if constructor else b""
        code = "0x" + (contract.bytecode + args).hex()
        tx = {"from": self.account, "gas": 10_000_000, "data": code}
        receipt = self.tester.get_transaction_receipt(self.tester.send_transaction(tx))
        assert receipt["status"] == 1 and receipt["contract_address"]
        return Verifier(self, contract, receipt["contract_address"])


@dataclass(frozen=True)
class Verifier:
    """A deployed verifier contract."""

    chain: Chain
    contract: Contract
    address: str

    @property
    def n_public(self) -> int:
        """The length of the public-signals array verifyProof takes."""
        return math.prod(_dims(self.contract.verify_inputs[-1]))

    def _tx(self, numbers: Sequence[int], gas: int | None) -> dict[str, Any]:
        data = "0x" + encode_call(self.contract, numbers).hex()
        tx = {"from": self.chain.account, "to": self.address, "data": data}
        return tx if gas is None else {**tx, "gas": gas}

    def call(self, numbers: Sequence[int], gas: int | None = None) -> Outcome:
        """What an `eth_call` of verifyProof answers: "true", "false", or "revert"."""
        from eth_tester.exceptions import TransactionFailed

        try:
            output = self.chain.tester.call(self._tx(numbers, gas))
        except TransactionFailed:
            return "revert"
        raw = bytes.fromhex(output[2:]) if isinstance(output, str) else bytes(output)
        assert raw in (bytes(32), (1).to_bytes(32, "big")), raw.hex()
        return "true" if raw[-1] else "false"

    def gas(self, numbers: Sequence[int]) -> int:
        """The gas a mined transaction calling verifyProof with `numbers` used (21k included)."""
        tester = self.chain.tester
        receipt = tester.get_transaction_receipt(
            tester.send_transaction(self._tx(numbers, 5_000_000))
        )
        assert receipt["status"] == 1
        return int(receipt["gas_used"])

    def estimate_gas(self, numbers: Sequence[int]) -> int:
        """eth-tester's `estimate_gas` of the call (what web3 asks a node for)."""
        return int(self.chain.tester.estimate_gas(self._tx(numbers, None)))
