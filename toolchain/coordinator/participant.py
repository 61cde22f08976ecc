"""A participant's part in a ceremony over HTTP: `zkt ceremony join` and `zkt ceremony upload`.

join: register under a name (and invite), join the queue and keep the place with heartbeats at
the interval the coordinator announces, showing the position and ETA; on the slot, for each
circuit of the turn: download the current key (size and sha256 checked), contribute with fresh
entropy under the registered name, upload, and keep the signed receipt once its signature and
every field check out (receipts/CIRCUIT_NNNN.json). Ctrl-C, or a failure, leaves the queue
before the command exits, so the next in line need not wait for the deadline.

A join run again after its process died (or was interrupted) picks up where it stopped. The
registration is kept in receipts/.registration.json (the coordinator's URL, the ceremony, the
name, the participant id and the bearer token; mode 0600, the token is never shown) until every
circuit has its receipt: a join with the same server, ceremony and name reuses it instead of
registering again (the name is taken, an invite single-use) and joins the queue with the saved
token, so the coordinator's waiting or active row is resumed; the receipts of contributions
accepted after the first run died (an upload it was waiting on) are fetched from the
coordinator's transcript, checked and stored. A saved registration for another name, ceremony
or server, or whose token the coordinator no longer knows, is refused with what to do. Keys are
downloaded into receipts/.downloads/<sha256>.zkey and kept there until the contribution to them
is accepted, so the second run also resumes a partial download with HTTP Range (the sha256 is
checked at the end; a partial that does not check out is fetched again).

The entropy is 64 bytes from the OS CSPRNG plus what the participant typed (kept as a `Secret`):
it goes to snarkjs on stdin and nowhere else: never sent, logged or written.

Air-gapped: `download_only` waits for the slot, downloads the keys into a folder and hands back
the token and deadline, so the keys can be contributed to offline and sent with `upload` (it
registers every time and keeps no registration: the token it shows is the participant's to keep).
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import Field, ValidationError

from toolchain.ceremony import phase2
from toolchain.ceremony.entropy import Secret, fresh_entropy
from toolchain.ceremony.ptau_fetch import DownloadError
from toolchain.coordinator import receipts
from toolchain.coordinator.client import Coordinator, first_line
from toolchain.coordinator.protocol import (
    API,
    ActiveTurn,
    CeremonyInfo,
    QueueState,
    SignedReceipt,
)
from toolchain.coordinator.verify_receipt import check_fields, expected_from_entry
from toolchain.errors import FormatError, IntegrityError, UsageError
from toolchain.fsutil import private_problem, write_atomic
from toolchain.hashing import hash_file
from toolchain.runner.tools import Tools
from toolchain.textlimits import JsonRefusal, load_json
from toolchain.web.models import Model

Reporter = Callable[[str], None]
# How often a lost upload answer is looked for while the coordinator may still be verifying it.
RECOVER_ATTEMPTS = 30
# Where join keeps the keys it downloads, under the receipts folder, until they are contributed to.
DOWNLOADS = ".downloads"
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Where join keeps its registration, under the receipts folder, until the turn is done.
REGISTRATION = ".registration.json"
MAX_REGISTRATION_BYTES = 4096
ANEW = "move the file away to register anew"


class Registration(Model):
    """What join keeps to resume after its process died: where, who, and the bearer token."""

    server: str
    ceremony: str
    name: str
    participant_id: int
    token: str = Field(repr=False)


@dataclass(frozen=True)
class Handoff:
    """What an air-gapped participant needs after `download_only`: keys, token and deadline."""

    token: str
    name: str
    deadline: float | None
    keys: list[tuple[ActiveTurn, Path]]


def key_name(circuit: str, index: int) -> str:
    """The file name of key `index` of `circuit`, as the coordinator numbers them."""
    return f"{circuit}_{index:04d}.zkey"


def join(
    coordinator: Coordinator,
    tools: Tools,
    name: str,
    invite: str | None,
    typed: str,
    receipts_dir: Path,
    report: Reporter,
) -> list[Path]:
    """Take part online: register, wait for the slot, contribute to every circuit of the turn;
    returns the receipt files written."""
    info = open_ceremony(coordinator)
    secret = Secret(typed) if typed else None
    saved = receipts_dir / REGISTRATION
    resumed = saved.exists()
    registered = registration(coordinator, info, name, invite, saved, report)
    with leaving_on_failure(coordinator, report):
        state = wait_for_slot(coordinator, report, done_ok=resumed)
        written = []
        if state.state != "done":
            written = contribute_all(coordinator, tools, info, registered, secret, receipts_dir,
                                     report)  # fmt: skip
    if resumed:
        written += missing_receipts(coordinator, info, registered, receipts_dir, report)
    saved.unlink(missing_ok=True)  # every circuit has its receipt: nothing left to resume
    return written


def contribute_all(
    coordinator: Coordinator,
    tools: Tools,
    info: CeremonyInfo,
    name: str,
    secret: Secret | None,
    receipts_dir: Path,
    report: Reporter,
) -> list[Path]:
    """Contribute to every circuit of the slot holder's turn; the receipt files written."""
    turns = coordinator.turn()
    with tempfile.TemporaryDirectory(prefix="zkt-join-") as work:
        return [
            contribute_turn(coordinator, tools, info, name, turn, secret, Path(work),
                            receipts_dir, report)
            for turn in turns
        ]  # fmt: skip


def missing_receipts(
    coordinator: Coordinator, info: CeremonyInfo, name: str, receipts_dir: Path, report: Reporter
) -> list[Path]:
    """After a resume: the receipts of `name`'s accepted contributions that the run that died
    did not store (an upload accepted after it died), each checked (signature, and every field
    against the coordinator's transcript) and stored; the files written."""
    written = []
    for circuit in (state.name for state in info.circuits):
        for entry in coordinator.transcript(circuit):
            path = receipt_path(receipts_dir, circuit, entry.index)
            if entry.receipt is None or entry.participant != name or path.exists():
                continue
            receipt = receipts.verify(entry.receipt, info.coordinator_public_key)
            expected = expected_from_entry(info.ceremony, circuit, entry)
            check_fields(receipt, expected, "the coordinator's transcript")
            receipts.write_receipt(path, entry.receipt)
            report(f"{circuit}: contribution {entry.index} was accepted before; receipt {path}")
            written.append(path)
    return written


def receipt_path(receipts_dir: Path, circuit: str, index: int) -> Path:
    """Where the receipt of contribution `index` of `circuit` is stored."""
    return receipts_dir / key_name(circuit, index).replace(".zkey", ".json")


def registration(
    coordinator: Coordinator,
    info: CeremonyInfo,
    name: str,
    invite: str | None,
    path: Path,
    report: Reporter,
) -> str:
    """The registered name: the registration saved at `path` by an earlier join (checked, its
    token made the client's), else a new one, saved there (0600)."""
    if not path.exists():
        fresh = coordinator.register(name, invite)
        kept = Registration(
            server=coordinator.base.removesuffix(API),
            ceremony=info.ceremony,
            name=fresh.name,
            participant_id=fresh.participant_id,
            token=fresh.token,
        )
        write_atomic(path, (kept.model_dump_json(indent=2) + "\n").encode(), private=True)
        return fresh.name
    saved = read_registration(path)
    wanted = (coordinator.base.removesuffix(API), info.ceremony, name)
    if (saved.server, saved.ceremony, saved.name) != wanted:
        raise UsageError(
            f"{path}: the registration of {saved.name!r} in {saved.ceremony!r} at {saved.server},"
            f" not of {name!r} in {info.ceremony!r} at {wanted[0]}: give another --receipts"
            f" folder, or {ANEW}"
        )
    coordinator.token = saved.token
    check_token(coordinator, path)
    report(f"resuming as {saved.name}, registered earlier ({path})")
    return saved.name


def read_registration(path: Path) -> Registration:
    """A registration file, parsed within the untrusted-JSON limits; FormatError if it is not
    one (the message never shows its content: it holds a token); UsageError when others may
    read or write it (join writes it 0600): its token may be known to them."""
    problem = private_problem(path, secret=True)
    if problem is not None:
        raise UsageError(
            f"{problem}: its token may be known to others: move it away and join under another"
            " name, or `chmod 600` it if no one else could have read it"
        )
    try:
        data = load_json(path.read_bytes(), max_depth=2, max_bytes=MAX_REGISTRATION_BYTES)
        return Registration.model_validate(data)
    except (OSError, JsonRefusal, ValidationError) as exc:
        why = type(exc).__name__ if isinstance(exc, OSError) else first_line(exc)
        raise FormatError(f"{path}: not a saved registration ({why}): {ANEW}") from None


def check_token(coordinator: Coordinator, path: Path) -> None:
    """The coordinator still knows the saved token (GET /queue/me; not being in the queue yet
    is fine: a join that died right after registering)."""
    try:
        coordinator.queue("me")
    except UsageError as exc:
        if exc.code == "unauthorized":
            raise UsageError(
                f"{path}: the coordinator does not know this registration's token"
                f" (unauthorized): {ANEW}"
            ) from None
        if exc.code != "not_found":
            raise


def download_only(
    coordinator: Coordinator, name: str, invite: str | None, folder: Path, report: Reporter
) -> Handoff:
    """Register, wait for the slot and download its keys into `folder` for an offline
    contribution; the slot is kept (the keys go back with `upload` before the deadline)."""
    open_ceremony(coordinator)
    registered = coordinator.register(name, invite)
    with leaving_on_failure(coordinator, report):
        state = wait_for_slot(coordinator, report)
        folder.mkdir(parents=True, exist_ok=True)
        keys = [
            (turn, coordinator.download(turn, folder / key_name(turn.circuit, turn.index)))
            for turn in coordinator.turn()
        ]
    return Handoff(registered.token, registered.name, state.deadline, keys)


def save_token(path: Path, token: str) -> None:
    """The token in `path`, readable by its owner only (only when the participant asks)."""
    write_atomic(path, (token + "\n").encode(), private=True)


def open_ceremony(coordinator: Coordinator) -> CeremonyInfo:
    """The ceremony's info, refused when it is closed."""
    info = coordinator.ceremony()
    if info.closed:
        raise UsageError(f"{info.ceremony}: the ceremony is closed (ceremony_closed)")
    return info


@contextmanager
def leaving_on_failure(coordinator: Coordinator, report: Reporter) -> Iterator[None]:
    """Ctrl-C or a failure inside gives the place or slot back (one try), then goes on."""
    try:
        yield
    except BaseException as exc:
        left = coordinator.leave_now()
        why = "interrupted" if isinstance(exc, KeyboardInterrupt) else "stopped"
        report(f"{why}: {'left the queue' if left else 'could not tell the coordinator'}")
        raise


def wait_for_slot(coordinator: Coordinator, report: Reporter, done_ok: bool = False) -> QueueState:
    """Join the queue and wait for the slot, with a heartbeat at the announced interval; the
    position is shown when it changes, the ETA with it (and at least every minute). `done_ok`:
    a participant who contributed to every circuit already is answered, not refused."""
    state = coordinator.queue("join")
    if state.message and state.state != "active":
        report(state.message)
    place: tuple[int | None, int] = (None, -1)
    shown_at = -math.inf
    while state.state == "waiting":
        now = time.monotonic()
        if place != (state.position, state.queue_length) or now - shown_at > 60:
            report(position_line(state))
            place, shown_at = (state.position, state.queue_length), now
        coordinator.sleep(state.heartbeat_seconds)
        state = coordinator.queue("heartbeat")
    if state.state == "done" and done_ok:
        return state
    if state.state != "active":
        why = f": {state.message}" if state.message else ""
        raise UsageError(f"no slot: the coordinator says you are {state.state}{why}")
    report(f"your turn: {', '.join(state.circuits_pending)}; deadline {when(state.deadline)}")
    return state


def position_line(state: QueueState) -> str:
    """The waiting line people see: position, queue length and ETA."""
    eta = "unknown" if state.eta_seconds is None else duration(state.eta_seconds)
    return f"waiting: position {state.position} of {state.queue_length}, ETA {eta}"


def duration(seconds: float) -> str:
    """`seconds` as 1h02m, 3m20s or 45s."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def when(deadline: float | None) -> str:
    """A deadline as UTC time and how far off it is."""
    if deadline is None:
        return "none"
    moment = datetime.fromtimestamp(deadline, UTC).replace(microsecond=0)
    left = deadline - datetime.now(UTC).timestamp()
    return f"{moment.isoformat()} (in {duration(left)})"


def contribute_turn(
    coordinator: Coordinator,
    tools: Tools,
    info: CeremonyInfo,
    name: str,
    turn: ActiveTurn,
    secret: Secret | None,
    work: Path,
    receipts_dir: Path,
    report: Reporter,
) -> Path:
    """Download, contribute to and upload one circuit's key; the receipt file written."""
    cache = receipts_dir / DOWNLOADS
    current = cached_download(coordinator, turn, cache, report)
    ours = work / key_name(turn.circuit, turn.index + 1)
    report(f"{turn.circuit}: contributing to key {turn.index} as {name!r}")
    entropy = fresh_entropy(secret.reveal() if secret else "")
    phase2.contribute(tools, current, ours, name, entropy)
    receipt = upload_key(coordinator, info, turn, ours, receipts_dir, report)
    current.unlink()
    if not any(cache.iterdir()):
        cache.rmdir()
    return receipt


def cached_download(
    coordinator: Coordinator, turn: ActiveTurn, cache: Path, report: Reporter
) -> Path:
    """The key `turn` names as `cache/<sha256>.zkey`: already there, or downloaded, resuming
    the partial a previous run left; a resumed partial that fails the sha256 check (the client
    removes it) is downloaded once more from the start."""
    if not _SHA256.fullmatch(turn.sha256):
        raise FormatError(
            f"{turn.circuit}: the coordinator announced sha256 {turn.sha256[:80]!r}, not 64 hex"
            " digits"
        )
    dest = cache / f"{turn.sha256}.zkey"
    if dest.is_file() and hash_file(dest) == turn.sha256:
        return dest
    cache.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    if not partial.is_file():
        return coordinator.download(turn, dest)
    report(f"{turn.circuit}: resuming the download of key {turn.index} from {partial}")
    try:
        return coordinator.download(turn, dest)
    except IntegrityError:
        report(f"{turn.circuit}: the partial download did not check out: downloading it again")
        return coordinator.download(turn, dest)


def upload_key(
    coordinator: Coordinator,
    info: CeremonyInfo,
    turn: ActiveTurn,
    key: Path,
    receipts_dir: Path,
    report: Reporter,
) -> Path:
    """Upload `key` for `turn`, check the receipt and store it; the receipt file."""
    size = key.stat().st_size
    if size != turn.upload_size:
        raise IntegrityError(
            f"{key.name}: {size} bytes, the coordinator expects {turn.upload_size} for"
            f" {turn.circuit} (was it contributed to with the registered name?)"
        )
    try:
        signed = coordinator.upload(turn.circuit, key)
    except DownloadError:
        signed = recover_receipt(coordinator, turn, key)
    check_receipt(info, turn, key, signed)
    path = receipt_path(receipts_dir, turn.circuit, turn.index + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    receipts.write_receipt(path, signed)
    report(f"{turn.circuit}: contribution {turn.index + 1} accepted; receipt {path}")
    return path


def recover_receipt(coordinator: Coordinator, turn: ActiveTurn, key: Path) -> SignedReceipt:
    """After an upload whose answer was lost: the receipt, once the coordinator has one for
    this key (it may still be verifying), else the upload once more."""
    for _ in range(RECOVER_ATTEMPTS):
        signed = coordinator.receipt(turn.circuit, turn.index + 1)
        if signed is not None and signed.receipt.file_sha256 == hash_file(key):
            return signed
        if coordinator.queue("me").state != "verifying":
            break
        coordinator.sleep(2.0)
    return coordinator.upload(turn.circuit, key)


def check_receipt(info: CeremonyInfo, turn: ActiveTurn, key: Path, signed: SignedReceipt) -> None:
    """The receipt is signed by the ceremony's key and names exactly the uploaded contribution."""
    receipt = receipts.verify(signed, info.coordinator_public_key)
    mpc = phase2.mpc_params(key)
    ours = mpc.contributions[-1]
    before = mpc.contributions[-2].transcript if len(mpc.contributions) > 1 else mpc.cs_hash
    expected = {
        "ceremony": info.ceremony,
        "circuit": turn.circuit,
        "index": turn.index + 1,
        "participant": ours.params.name,
        "contribution_hash": ours.transcript.hex(),
        "previous_hash": before.hex(),
        "file_sha256": hash_file(key),
    }
    check_fields(receipt, expected, "your upload")


def upload(
    coordinator: Coordinator, keys: list[Path], receipts_dir: Path, report: Reporter
) -> list[Path]:
    """Send keys contributed offline (the token's turn); the receipt files written."""
    info = coordinator.ceremony()
    turns = {turn.circuit: turn for turn in coordinator.turn()}
    written = []
    for key in keys:
        circuit = circuit_of(info, key)
        if circuit not in turns:
            raise UsageError(f"{key}: {circuit} is not pending in your turn ({', '.join(turns)})")
        written.append(upload_key(coordinator, info, turns[circuit], key, receipts_dir, report))
    return written


def circuit_of(info: CeremonyInfo, key: Path) -> str:
    """Which of the ceremony's circuits `key` is for: by its circuit hash, then by file name
    among circuits sharing that hash."""
    cs_hash = phase2.mpc_params(key).cs_hash.hex()
    matches = [c.name for c in info.circuits if c.cs_hash == cs_hash]
    named = [m for m in matches if key.name.startswith(f"{m}_")]
    if len(matches) == 1 or len(named) == 1:
        return (named or matches)[0]
    if not matches:
        known = ", ".join(c.name for c in info.circuits)
        raise UsageError(
            f"{key}: circuit hash {cs_hash[:16]}… is none of this ceremony's circuits ({known})"
        )
    raise UsageError(
        f"{key}: several circuits have its circuit hash ({', '.join(matches)}): name the file"
        " CIRCUIT_NNNN.zkey"
    )
