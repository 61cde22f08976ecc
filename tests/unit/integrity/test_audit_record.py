"""The audit verdict in the manifest: what lock records, refuses and warns, and what verify
checks of a recorded verdict before it reads any r1cs (the rest: tests/integration/integrity)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import JsonValue

from toolchain.config import CircuitEntry
from toolchain.errors import IntegrityError, VerificationError
from toolchain.integrity.audited import check_audit
from toolchain.integrity.lock import AuditRecord, audit_warnings, check_audits

NOWHERE = Path("/nonexistent")
FORGEABLE = AuditRecord("fail", "under-constrained", forged="main.y")


def test_the_settings_carry_policy_and_verdict_and_a_skips_reason() -> None:
    assert AuditRecord("fail", "unique").settings() == {"policy": "fail", "verdict": "unique"}
    skipped = AuditRecord("skip", "skipped", "known bug").settings()
    assert skipped == {"policy": "skip", "verdict": "skipped", "reason": "known bug"}


def test_a_forgeable_fail_circuit_is_refused_with_exit_1() -> None:
    with pytest.raises(VerificationError) as caught:
        check_audits({"ok": AuditRecord("fail", "unique"), "bad": FORGEABLE})
    assert str(caught.value) == (
        "refusing to lock: bad is under-constrained (main.y can be forged with the same"
        " inputs; `zkt audit bad` shows the second witness)"
    )
    assert caught.value.exit_code == 1
    assert caught.value.code == "under_constrained"


def test_warn_and_unknown_are_warnings_the_rest_silent() -> None:
    audits = {
        "a": AuditRecord("warn", "under-constrained", forged="main.out"),
        "b": AuditRecord("fail", "unknown"),
        "c": AuditRecord("fail", "unique"),
        "d": AuditRecord("skip", "skipped", "why"),
    }
    check_audits(audits)  # none refused
    assert audit_warnings(audits) == [
        "WARNING: a is under-constrained (main.out can be forged), locked because circuits.toml"
        ' says audit = "warn"',
        "WARNING: b: audit verdict unknown (not proven unique), locked",
    ]


def _entry(audit: str = "fail") -> CircuitEntry:
    reason = "why" if audit == "skip" else ""
    fields = {"name": "c", "source": "circuits/src/c.circom", "audit": audit}
    return CircuitEntry.model_validate({**fields, "audit_reason": reason})


def test_a_manifest_without_a_verdict_adds_no_note() -> None:
    assert check_audit(None, _entry(), NOWHERE, NOWHERE) == ""


@pytest.mark.parametrize(
    ("recorded", "message"),
    [
        ("unique", "its audit setting is not {policy, verdict}"),
        ({"policy": "fail"}, "its audit setting is not {policy, verdict}"),
        (
            {"policy": "warn", "verdict": "unique"},
            'locked with audit = "warn", circuits.toml now says "fail": lock again',
        ),
    ],
)
def test_a_malformed_or_stale_verdict_fails(recorded: JsonValue, message: str) -> None:
    with pytest.raises(IntegrityError) as caught:
        check_audit(recorded, _entry(), NOWHERE, NOWHERE)
    assert str(caught.value) == message


def test_verdicts_a_search_decided_are_recorded_not_rechecked() -> None:
    recorded: JsonValue = {"policy": "skip", "verdict": "skipped", "reason": "why"}
    note = check_audit(recorded, _entry("skip"), NOWHERE, NOWHERE)
    assert note == "audit skipped (skip), recorded: not re-checked"
