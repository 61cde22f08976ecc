"""The wire shape of a refusal both servers answer with (and their clients read): no FastAPI here.

`Model` is the base of every wire model (unknown fields refused, frozen); a `Refusal` raised while
a request is handled becomes an `ErrorResponse` (see `toolchain.web.plumbing`).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from toolchain.errors import ZktError


class Model(BaseModel):
    """A wire model: unknown fields are refused, instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorBody(Model):
    """What went wrong: a stable code, one line for people, the request id for the logs."""

    code: str
    message: str
    request_id: str = ""
    retry_after: float | None = None  # seconds to wait before trying again (also Retry-After)


class ErrorResponse(Model):
    """Every non-2xx answer."""

    error: ErrorBody


class Refusal(ZktError):
    """A request a server refuses: a code of its table, one line for people, Retry-After
    seconds if any; `status` and `headers` when the answer is not the code's usual one."""

    code: str

    def __init__(
        self,
        code: str,
        message: str,
        retry_after: float | None = None,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after, self.status, self.headers = retry_after, status, dict(headers or {})
