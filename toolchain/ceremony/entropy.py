"""Contribution entropy as a type that never shows itself: printed, logged or repr'd as ****.

Entropy is generated in process (`secrets`) and optionally mixed with text the participant
types; it reaches snarkjs on stdin (its prompt when `-e` is absent), never on argv, in logs or
in transcripts.
"""

from __future__ import annotations

import secrets


class Secret:
    """A string that prints as **** (str, repr, format); `reveal()` is the only way out."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value:
            raise ValueError("a secret cannot be empty")
        self._value = value

    def reveal(self) -> str:
        """The secret itself: pass it to stdin, never to argv or a log."""
        return self._value

    def __str__(self) -> str:
        return "****"

    def __repr__(self) -> str:
        return "Secret(****)"

    def __format__(self, spec: str) -> str:
        return "****"

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


def fresh_entropy(typed: str = "") -> Secret:
    """64 random bytes from the OS (hex) plus whatever the participant typed."""
    return Secret(secrets.token_hex(64) + typed)


def stdin_answer(secret: Secret) -> str:
    """What to write to snarkjs's stdin to answer its entropy prompt."""
    return secret.reveal().replace("\n", " ") + "\n"
