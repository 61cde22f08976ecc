"""A cluster worker's state from the scheduler's information: loaded only with every key."""

from __future__ import annotations

from toolchain.backends.cluster import KEYS_METRIC, LOADED, LOADING
from toolchain.service.cluster import worker_states

PLUGINS = {"c1": "zkt-prover-c1-aa", "c2": "zkt-prover-c2-bb"}


def worker(keys: dict[str, str] | None, status: str = "running") -> dict[str, object]:
    """One worker as the scheduler's identity() lists it."""
    return {"name": 7, "status": status, "metrics": {} if keys is None else {KEYS_METRIC: keys}}


def state(keys: dict[str, str] | None, status: str = "running") -> tuple[bool, bool, str | None]:
    (only,) = worker_states({"tcp://h:1": worker(keys, status)}, PLUGINS)
    assert (only.address, only.name, only.pid) == ("tcp://h:1", "7", None)
    return only.alive, only.loaded, only.reason


def test_a_worker_with_every_key_loaded_can_prove() -> None:
    every = {"zkt-prover-c1-aa": LOADED, "zkt-prover-c2-bb": LOADED, "other": "x"}
    assert state(every) == (True, True, None)


def test_a_worker_without_the_plugins_or_one_key_is_not_loaded() -> None:
    assert state(None) == (True, False, "c1: no key loaded")
    assert state({"zkt-prover-c1-aa": LOADED}) == (True, False, "c2: no key loaded")
    # a plugin for another sha256 of the same circuit is not the locked key
    assert state({"zkt-prover-c1-cc": LOADED, "zkt-prover-c2-bb": LOADED})[2] == (
        "c1: no key loaded"
    )


def test_a_worker_says_why_its_key_did_not_load() -> None:
    keys = {"zkt-prover-c1-aa": "k: sha256 0f… is not the batch's key aa…",
            "zkt-prover-c2-bb": LOADING}  # fmt: skip
    assert state(keys) == (True, False, "c1: k: sha256 0f… is not the batch's key aa…")


def test_a_paused_worker_is_not_alive() -> None:
    every = {"zkt-prover-c1-aa": LOADED, "zkt-prover-c2-bb": LOADED}
    assert state(every, "paused") == (False, True, "its status is paused")


def test_workers_are_listed_by_address() -> None:
    states = worker_states({"tcp://b:1": worker(None), "tcp://a:1": worker(None)}, PLUGINS)
    assert [(s.slot, s.address) for s in states] == [(0, "tcp://a:1"), (1, "tcp://b:1")]
