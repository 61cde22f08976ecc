"""Start-up work a command begins before its heavy imports: mcl's library, on a thread (and, for
a proving command's own process, `prepare_to_prove`: the allocator told to hand big freed
blocks back, `native.memory`).

Loading mcl (the library and its alt_bn128 set-up, ~40 ms) runs mostly in C without the GIL, so
`zkt prove` starts it before parsing its options (whose choices import the prover) and goes on,
when the backend and engine it was given may prove on mcl (`may_use_mcl`: not for
`--backend snarkjs` or `--engine pure`, nor with $ZKT_ENGINE=pure). Whatever needs mcl later
(the key's preload, a backend choice) calls `engine_mcl.load_mcl`, which waits for the load
under way. The modules are imported here, on the calling thread (two
threads importing at once could meet in an import cycle); the thread only loads. A failure is
not raised here: the load that needs mcl raises it, as before.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from threading import Lock

from toolchain.config import NATIVE_BACKEND, engine_name
from toolchain.errors import ToolError, UsageError
from toolchain.native import engine_mcl, mcl_library  # noqa: F401  (mcl_library: see above)
from toolchain.native.engines import PURE
from toolchain.native.memory import return_big_blocks

_loading: dict[str, Future[None]] = {}
_STARTING = Lock()


def may_use_mcl(backend: str, engine: str | None) -> bool:
    """Whether proving with `backend` ("auto" included) and `engine` (None: $ZKT_ENGINE, else
    auto) may load mcl; an unknown engine is False here, refused where it is checked."""
    try:
        return backend in ("auto", NATIVE_BACKEND) and engine_name(engine) != PURE
    except UsageError:
        return False


def prepare_to_prove(backend: str, engine: str | None) -> None:
    """A proving command's own process, before its options are parsed: big freed blocks handed
    back at once (`native.memory`), and mcl started if `backend` and `engine` may use it."""
    return_big_blocks()
    start_mcl_for(backend, engine)


def start_mcl_for(backend: str, engine: str | None) -> None:
    """Start loading mcl on a thread if proving with `backend` and `engine` may use it."""
    if may_use_mcl(backend, engine):
        start_mcl()


def start_mcl() -> None:
    """Start loading mcl on a thread (once per process, whoever asks first)."""
    with _STARTING:
        if "mcl" not in _loading:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zkt-mcl")
            _loading["mcl"] = pool.submit(_load_mcl)
            pool.shutdown(wait=False)  # the thread ends with its one task


def _load_mcl() -> None:
    with suppress(ToolError):  # raised again by the load that needs mcl
        engine_mcl.load_mcl()
