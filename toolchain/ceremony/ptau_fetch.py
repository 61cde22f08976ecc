"""Trusted download of the published Hermez prepared Powers of Tau (.ptau) files.

What is trusted is the blake2b-512 of each whole file, pinned in `ptau_sources.tsv` (copied from
the snarkjs README); a URL is only a place to look. The table's own links now answer
AccessDenied (snarkjs #636), so a file is looked for at an ordered list of mirror base URLs
(`<base>/<file name>`): the caller's list, else $ZKT_PTAU_MIRRORS, else `default_mirrors`.

A download streams into `<dest>.ptau.part`, resumes it with `Range: bytes=N-`, and only a file
whose hash matches the pin is renamed to `dest`; every mirror's failure is reported together.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from toolchain.errors import ConfigError, IntegrityError, UsageError, ZktError
from toolchain.formats.r1cs import setup_power
from toolchain.hashing import hash_file
from toolchain.paths import cache_dir

if TYPE_CHECKING:  # httpx (and tqdm) load when a download starts: not for every `zkt prove`
    import httpx

SOURCES = Path(__file__).with_name("ptau_sources.tsv")
MIRRORS_ENV = "ZKT_PTAU_MIRRORS"
# The snarkjs README linked these same file names and hashes here until commit 293ad55
# ("Bucket migration to GCP", Nov 2023); the hash check makes a stale or hostile copy harmless.
PUBLIC_MIRRORS = ("https://hermez.s3-eu-west-1.amazonaws.com",)
TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS = 60.0, 15.0
# Raw bytes on disk must be the bytes the hash, Content-Length and Range offsets talk about.
REQUEST_HEADERS = {"Accept-Encoding": "identity", "User-Agent": "zk-toolchain"}
_COUNT = re.compile(r"(\d+)([kM]?)")
_SCALE = {"": 1, "k": 1 << 10, "M": 1 << 20}
_CONTENT_RANGE = re.compile(r"bytes (\d+)-\d+/(?:\d+|\*)")


class DownloadError(ZktError):
    """A file could not be fetched from any mirror (network, HTTP status or hash failures)."""

    exit_code = 7


@dataclass(frozen=True)
class PtauRelease:
    """One published prepared ptau file: its power, name, pinned blake2b-512 and table URL."""

    power: int
    file_name: str
    blake2b: str
    max_constraints: int
    url: str


def read_releases(path: Path = SOURCES) -> dict[int, PtauRelease]:
    """The pinned table, keyed by power; ConfigError when a row is malformed."""
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    releases = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        release = _parse_release(row, path)
        releases[release.power] = release
    return releases


def _parse_release(row: dict[str, str], path: Path) -> PtauRelease:
    try:
        release = PtauRelease(
            power=int(row["power"]),
            file_name=row["file"],
            blake2b=row["blake2b"].lower(),
            max_constraints=_parse_count(row["max_constraints"]),
            url=row["url"],
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: malformed row {row}") from exc
    if not re.fullmatch(r"[0-9a-f]{128}", release.blake2b) or "/" in release.file_name:
        raise ConfigError(f"{path}: bad hash or file name for power {release.power}")
    return release


def _parse_count(text: str) -> int:
    # The table writes 2^10 as "1k" and 2^20 as "1M", as the snarkjs README does.
    match = _COUNT.fullmatch(text)
    if match is None:
        raise ValueError(f"bad count {text!r}")
    return int(match.group(1)) * _SCALE[match.group(2)]


def release_for_power(power: int, releases: Mapping[int, PtauRelease] | None = None) -> PtauRelease:
    """The release of `power` (from `releases`, default the pinned table); UsageError if none."""
    table = read_releases() if releases is None else releases
    if power not in table:
        raise UsageError(
            f"no published ptau for power {power}: valid powers are {min(table)}..{max(table)}"
        )
    return table[power]


def pick_power(n_constraints: int, n_public: int) -> int:
    """The smallest published power whose ptau fits a Groth16 setup of this circuit in snarkjs."""
    if n_constraints < 0 or n_public < 0:
        raise UsageError("constraint and public signal counts must be >= 0")
    circuit_power = setup_power(n_constraints, n_public)
    powers = read_releases().keys()
    if circuit_power > max(powers):
        raise UsageError(
            f"{n_constraints} constraints + {n_public} public signals need a 2^{circuit_power}"
            f" domain: the largest published ptau is 2^{max(powers)}"
        )
    return max(circuit_power, min(powers))


def default_mirrors(release: PtauRelease) -> list[str]:
    """The table's own location, then the known public mirrors of the same files."""
    return _unique([release.url.rsplit("/", 1)[0], *PUBLIC_MIRRORS])


def mirror_bases(release: PtauRelease, mirrors: Sequence[str] | None = None) -> list[str]:
    """The base URLs to try, in order: `mirrors`, else $ZKT_PTAU_MIRRORS, else the defaults."""
    env = os.environ.get(MIRRORS_ENV, "").replace(",", " ").split()
    chosen = list(mirrors) if mirrors is not None else env or default_mirrors(release)
    if not chosen:
        raise UsageError("no ptau mirror to try: give at least one base URL")
    for base in chosen:
        if not base.startswith(("https://", "http://")):
            raise UsageError(f"ptau mirror {base!r} is not an http(s) URL")
    return _unique(base.rstrip("/") for base in chosen)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def cached_ptau_path(release: PtauRelease) -> Path:
    """Where downloaded ptau files are kept: <cache>/ptau/<file name>."""
    return cache_dir() / "ptau" / release.file_name


def ensure_ptau(power: int, mirrors: Sequence[str] | None = None, progress: bool = True) -> Path:
    """The verified ptau of `power` in the cache, downloaded first when missing."""
    return fetch_ptau(power, cached_ptau_path(release_for_power(power)), mirrors, progress)


def fetch_ptau(
    power: int,
    dest: Path,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    *,
    releases: Mapping[int, PtauRelease] | None = None,
) -> Path:
    """Download the ptau of `power` to `dest`, trying each mirror until the pinned hash matches."""
    release = release_for_power(power, releases)
    if dest.exists():
        _check_existing(dest, release)
        return dest
    bases = mirror_bases(release, mirrors)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_suffix(".ptau.part")
    failures: list[str] = []
    with _client() as client:
        for base in bases:
            url = f"{base}/{release.file_name}"
            try:
                _fetch_verified(client, url, part, release, progress)
            except (DownloadError, IntegrityError) as exc:
                failures.append(f"  {url}: {exc}")
                continue
            os.replace(part, dest)
            return dest
    raise DownloadError(_all_failed_message(release, part, failures))


def _client() -> httpx.Client:
    """The mirrors' HTTP client (httpx is imported here: only a download needs it)."""
    import httpx

    timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
    return httpx.Client(follow_redirects=True, timeout=timeout, headers=REQUEST_HEADERS)


def _check_existing(dest: Path, release: PtauRelease) -> None:
    # An existing file is never replaced: it may be the user's, or another ceremony's.
    if not dest.is_file():
        raise UsageError(f"{dest} exists and is not a file")
    actual = hash_file(dest, "blake2b")
    if actual != release.blake2b:
        raise IntegrityError(
            f"{dest} exists but is not {release.file_name} (blake2b {actual[:16]}..., pinned"
            f" {release.blake2b[:16]}...): move or delete it, or choose another destination"
        )


def _fetch_verified(
    client: httpx.Client, url: str, part: Path, release: PtauRelease, progress: bool
) -> None:
    resumed = _size(part) > 0
    download_part(client, url, part, progress)
    try:
        _verify_part(part, release)
    except IntegrityError:
        if not resumed:
            raise
        # The bad bytes may be the kept ones (an earlier run, another mirror): one fresh try here.
        download_part(client, url, part, progress)
        _verify_part(part, release)


def _verify_part(part: Path, release: PtauRelease) -> None:
    actual = hash_file(part, "blake2b")
    if actual != release.blake2b:
        part.unlink()
        raise IntegrityError(f"blake2b {actual[:16]}... != pinned {release.blake2b[:16]}...")


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def download_part(client: httpx.Client, url: str, part: Path, progress: bool) -> None:
    """GET `url` into `part`, continuing what it already holds with `Range: bytes=N-` (a 200
    starts over); DownloadError on a failure, the partial kept where a Range can continue it."""
    import httpx

    offset = _size(part)
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        with client.stream("GET", url, headers=headers) as response:
            _receive(response, part, offset, progress)
    except httpx.HTTPError as exc:
        raise DownloadError(f"{type(exc).__name__}: {exc}") from exc


def _receive(response: httpx.Response, part: Path, offset: int, progress: bool) -> None:
    import httpx

    if response.status_code == 416 and offset:
        return  # nothing left to send: the partial is whole or bad, and the hash check tells
    start = _body_offset(response, offset)
    try:
        _write_body(response, part, start, progress)
    except (httpx.HTTPError, DownloadError):
        # A cut-off partial is worth keeping only where a Range request can continue it.
        if not _accepts_ranges(response):
            part.unlink(missing_ok=True)
        raise


def _body_offset(response: httpx.Response, offset: int) -> int:
    if response.status_code == 200:
        return 0  # a full reply, also when a Range we sent was ignored: start over
    if response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", ""))
        if match and int(match.group(1)) == offset:
            return offset
        raise DownloadError(f"Content-Range {response.headers.get('content-range')!r} != {offset}-")
    raise DownloadError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())


def _accepts_ranges(response: httpx.Response) -> bool:
    return response.status_code == 206 or response.headers.get("accept-ranges") == "bytes"


def _write_body(response: httpx.Response, part: Path, start: int, progress: bool) -> None:
    from tqdm import tqdm

    length = response.headers.get("content-length")
    expected = start + int(length) if length is not None and length.isdigit() else None
    show = progress and sys.stderr.isatty()
    bar = tqdm(
        total=expected,
        initial=start,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=part.name.removesuffix(".part"),
        disable=not show,
    )
    with bar, open(part, "ab" if start else "wb") as fh:
        # No chunk_size: httpx would hold back a partial chunk, and lose it when the body is cut.
        for chunk in response.iter_raw():
            fh.write(chunk)
            bar.update(len(chunk))
        fh.flush()
        os.fsync(fh.fileno())
        size = fh.tell()
    if expected is not None and size != expected:
        raise DownloadError(f"body ended at byte {size} of {expected}")


def _all_failed_message(release: PtauRelease, part: Path, failures: list[str]) -> str:
    kept = f"\nthe partial download {part} is kept and will be resumed" if part.exists() else ""
    return (
        f"no mirror delivered {release.file_name} with the pinned blake2b"
        f" {release.blake2b[:16]}...:\n" + "\n".join(failures) + "\nadd a mirror serving this"
        f" exact file with ${MIRRORS_ENV}=<base URL>[,<base URL>...] (any host will do: the hash"
        f" is checked){kept}"
    )
