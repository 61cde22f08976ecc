"""Circuit tests with zk-toolchain's pytest plugin: the `circuit` fixture compiles on first use."""

from __future__ import annotations

from typing import Any

HASH_42 = 12326503012965816391338144612242952408728683609716147019497703475006801258307


def test_preimage_accepts_the_secret(circuit: Any) -> None:
    c = circuit("preimage")
    c.expect_pass({"secret": 42, "hash": HASH_42})


def test_preimage_refuses_another_secret(circuit: Any) -> None:
    c = circuit("preimage")
    c.expect_fail({"secret": 43, "hash": HASH_42}, kind="witness")


def test_multiplier_outputs_the_product(circuit: Any) -> None:
    c = circuit("multiplier_3")
    c.expect_pass({"factors": [3, 5, 7]}, outputs={"c": 105})
