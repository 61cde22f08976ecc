"""The participant's HTTP client of the coordinator (httpx): typed calls, retries, refusals.

Every call goes to `<server>/api/v1` (protocol.py). Transient failures (a refused or dropped
connection, a timeout, 502/503/504, 429 after its Retry-After) are retried with exponential
backoff a bounded number of times, then reported as a DownloadError (exit 7). Calls that must
not run twice (register, an upload) are retried only when the request never reached the server.
A refusal, a 4xx answer with an ErrorResponse, is raised at once as one line,
`<message> (<code>)`, in its exit-code family: an acceptance check's (422) VerificationError, a
size mismatch IntegrityError, any other UsageError.

Downloads stream into a `.part` file with a progress bar and resume with HTTP Range after a
drop (ptau_fetch.download_part); the finished file must have the announced size and sha256.
Uploads stream from disk with the exact Content-Length and a progress bar.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError
from tqdm import tqdm

from toolchain.ceremony.ptau_fetch import REQUEST_HEADERS, DownloadError, download_part
from toolchain.coordinator.protocol import (
    API,
    ActiveTurn,
    CeremonyInfo,
    ErrorResponse,
    QueueState,
    RegisterRequest,
    RegisterResponse,
    SignedReceipt,
    TranscriptEntry,
)
from toolchain.errors import FormatError, IntegrityError, UsageError, VerificationError, ZktError
from toolchain.hashing import hash_file

TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# The coordinator answers an upload once it has verified it (seconds to minutes for big keys).
UPLOAD_TIMEOUT = httpx.Timeout(1800.0, connect=10.0, write=300.0)
CHUNK = 1 << 20
SIZE_CODES = frozenset({"wrong_size", "incomplete_upload"})

M = TypeVar("M", bound=BaseModel)
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Backoff:
    """How often and how patiently a transient failure is retried: `attempts` in all, waiting
    `first`, 2×`first`, … seconds between them, never more than `cap`."""

    attempts: int = 8  # about 45 s in all: long enough for a coordinator's restart
    first: float = 0.5
    cap: float = 15.0

    def delays(self) -> Iterator[float]:
        """The waits between attempts (one fewer than the attempts)."""
        for number in range(self.attempts - 1):
            yield min(self.cap, self.first * 2**number)


def refusal(response: httpx.Response) -> ZktError:
    """The coordinator's refusal as one line in its exit-code family."""
    try:
        body = ErrorResponse.model_validate_json(response.content).error
    except ValidationError:
        unnamed = UsageError if response.status_code < 500 else DownloadError
        return unnamed(
            f"{response.request.url}: HTTP {response.status_code} without an error code"
            " (is --server a zk-toolchain coordinator?)"
        )
    family: type[ZktError] = UsageError
    if response.status_code == 422:
        family = VerificationError
    elif body.code in SIZE_CODES:
        family = IntegrityError
    return family(f"{body.message} ({body.code})", code=body.code)


def parse(model: type[M], response: httpx.Response) -> M:
    """A response body as `model` (FormatError when the coordinator sent something else)."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise FormatError(
            f"the coordinator's answer is not a {model.__name__}: {first_line(exc)}"
        ) from None


def first_line(exc: Exception) -> str:
    """An exception's message cut to its first line (pydantic's run over several)."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


class Coordinator:
    """One coordinator, reached at `server` (its base URL), as participant `token` if given."""

    def __init__(
        self,
        server: str,
        token: str | None = None,
        backoff: Backoff = Backoff(),
        sleep: Sleep = time.sleep,
        transport: httpx.BaseTransport | None = None,
        report: Callable[[str], None] = lambda _: None,
    ) -> None:
        if not server.startswith(("http://", "https://")):
            raise UsageError(f"--server {server!r}: give the coordinator's http:// or https:// URL")
        self.base = server.rstrip("/") + API
        self.token = token
        self.backoff = backoff
        self.sleep = sleep
        self.report = report  # where retries are told
        self.http = httpx.Client(
            base_url=self.base, timeout=TIMEOUT, headers=REQUEST_HEADERS, transport=transport
        )

    def __enter__(self) -> Coordinator:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def request(
        self, method: str, path: str, *, repeatable: bool = True, **kw: Any
    ) -> httpx.Response:
        """One call, retried while it fails transiently; refusals raised (`refusal`).

        A call that is not `repeatable` is retried only when it never reached the server."""
        headers = {**self._auth(), **kw.pop("headers", {})}
        failure = ""
        for delay in (*self.backoff.delays(), None):
            try:
                response = self.http.request(method, path, headers=headers, **kw)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                failure = f"{type(exc).__name__}: {exc}"
            except httpx.TransportError as exc:
                if not repeatable:
                    raise DownloadError(f"{self.base}{path}: {type(exc).__name__}: {exc}") from exc
                failure = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in TRANSIENT_STATUS or not repeatable:
                    raise refusal(response)
                failure = f"HTTP {response.status_code}"
                if delay is not None:
                    delay = max(delay, _retry_after(response))
            if delay is None:
                break
            self.report(f"{path}: {failure}; retrying in {delay:g} s")
            self.sleep(delay)
        raise DownloadError(
            f"{self.base}{path}: {failure} (gave up after {self.backoff.attempts} attempts)"
        )

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def ceremony(self) -> CeremonyInfo:
        """GET /ceremony."""
        return parse(CeremonyInfo, self.request("GET", "/ceremony"))

    def public_key(self) -> str:
        """GET /pubkey: the coordinator's Ed25519 public key, hex."""
        body = self.request("GET", "/pubkey").json()
        if not isinstance(body, dict) or not isinstance(body.get("public_key"), str):
            raise FormatError("the coordinator's /pubkey answer has no public_key")
        return str(body["public_key"])

    def transcript(self, circuit: str) -> list[TranscriptEntry]:
        """GET /transcript/{circuit}: every accepted key of `circuit`."""
        response = self.request("GET", f"/transcript/{circuit}")
        try:
            return TypeAdapter(list[TranscriptEntry]).validate_json(response.content)
        except ValidationError as exc:
            raise FormatError(
                f"the coordinator's transcript is not a list: {first_line(exc)}"
            ) from None

    def register(self, name: str, invite: str | None) -> RegisterResponse:
        """POST /register; the token is kept for the calls that follow."""
        body = RegisterRequest(name=name, invite=invite).model_dump()
        registered = parse(
            RegisterResponse, self.request("POST", "/register", json=body, repeatable=False)
        )
        self.token = registered.token
        return registered

    def queue(self, action: str) -> QueueState:
        """POST /queue/{action} (join, heartbeat, leave) or GET /queue/me (`me`)."""
        method = "GET" if action == "me" else "POST"
        return parse(QueueState, self.request(method, f"/queue/{action}"))

    def leave_now(self) -> bool:
        """POST /queue/leave once, briefly (on the way out): whether the coordinator took it."""
        try:
            response = self.http.post("/queue/leave", headers=self._auth(), timeout=5.0)
        except httpx.HTTPError:
            return False
        return response.status_code < 400

    def turn(self) -> list[ActiveTurn]:
        """GET /turn: the keys of the slot holder's turn."""
        response = self.request("GET", "/turn")
        try:
            return TypeAdapter(list[ActiveTurn]).validate_json(response.content)
        except ValidationError as exc:
            raise FormatError(
                f"the coordinator's turn is not a list of keys: {first_line(exc)}"
            ) from None

    def receipt(self, circuit: str, index: int) -> SignedReceipt | None:
        """GET /receipts/{circuit}/{index}, None when there is none (yet)."""
        try:
            return parse(SignedReceipt, self.request("GET", f"/receipts/{circuit}/{index}"))
        except UsageError as exc:
            if exc.code == "not_found":
                return None
            raise

    def download(self, turn: ActiveTurn, dest: Path, progress: bool = True) -> Path:
        """The key `turn` names, into `dest` with the announced size and sha256; a dropped
        connection resumes where it stopped (bounded retries)."""
        part = dest.with_name(dest.name + ".part")
        path = f"/circuits/{turn.circuit}/keys/{turn.index}"
        for delay in (*self.backoff.delays(), None):
            try:
                download_part(self.http, path, part, progress)
                break
            except DownloadError as exc:
                if delay is None:
                    raise DownloadError(f"{self.base}{path}: {exc}") from None
                self.report(f"{path}: {exc}; resuming in {delay:g} s")
                self.sleep(delay)
        return _checked_download(part, dest, turn)

    def upload(self, circuit: str, key: Path) -> SignedReceipt:
        """PUT /contributions/{circuit}: `key` streamed with its Content-Length; the receipt."""
        size = key.stat().st_size
        headers = {"Content-Length": str(size), "Content-Type": "application/octet-stream"}
        with _bar(size, key.name) as bar:
            response = self.request(
                "PUT",
                f"/contributions/{circuit}",
                repeatable=False,
                content=_chunks(key, bar),
                headers=headers,
                timeout=UPLOAD_TIMEOUT,
            )
        return parse(SignedReceipt, response)


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    try:
        return min(float(value), 60.0)
    except ValueError:
        return 0.0


def _checked_download(part: Path, dest: Path, turn: ActiveTurn) -> Path:
    size, digest = part.stat().st_size, hash_file(part)
    if (size, digest) != (turn.size, turn.sha256):
        part.unlink()
        raise IntegrityError(
            f"{turn.circuit} key {turn.index}: downloaded {size} bytes with sha256 {digest[:16]}…,"
            f" the coordinator announced {turn.size} bytes, {turn.sha256[:16]}…"
        )
    os.replace(part, dest)
    return dest


def _bar(total: int, name: str) -> tqdm[Any]:
    return tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=f"upload {name}",
        disable=not sys.stderr.isatty(),
    )


def _chunks(path: Path, bar: tqdm[Any]) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            bar.update(len(chunk))
            yield chunk
