"""Entropy never shows itself, and fresh entropy is fresh."""

from __future__ import annotations

import logging
import pickle

import pytest

from toolchain.ceremony.entropy import Secret, fresh_entropy, stdin_answer


def test_secret_never_prints(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret("hunter2")
    assert str(secret) == "****" and repr(secret) == "Secret(****)"
    assert f"{secret} {secret!r} {secret:>10}" == "**** Secret(****) ****"
    logging.getLogger("t").warning("entropy %s", secret)
    assert "hunter2" not in caplog.text
    with pytest.raises(TypeError, match=r"^a Secret cannot be pickled$"):
        pickle.dumps(secret)


def test_fresh_entropy_mixes_typed_text_and_differs() -> None:
    first, second = fresh_entropy("typed words"), fresh_entropy("typed words")
    assert first.reveal() != second.reveal()
    assert first.reveal().endswith("typed words") and len(first.reveal()) == 128 + 11


def test_stdin_answer_is_one_line() -> None:
    assert stdin_answer(Secret("a\nb")) == "a b\n"
    with pytest.raises(ValueError, match=r"^a secret cannot be empty$"):
        Secret("")
