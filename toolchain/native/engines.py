"""Engine selection by name: "pure", "mcl", or "auto" (mcl when it loads and checks out, else pure).

The name comes from the caller: reading $ZKT_ENGINE is `toolchain.config.engine_name`'s.
"""

from __future__ import annotations

from toolchain.config import ENGINE_ENV, ENGINE_NAMES
from toolchain.errors import ToolError, UsageError
from toolchain.native import engine_mcl
from toolchain.native.engine import Engine
from toolchain.native.engine_mcl import MclEngine

PURE = "pure"


def mcl_unavailable_reason() -> str | None:
    """Return why the mcl engine cannot run here (wheel missing, wrong curve), or None."""
    try:
        engine_mcl.load_mcl()
    except ToolError as exc:
        return str(exc)
    return None


def get_engine(name: str, threads: int | None = None) -> Engine:
    """Return the engine called `name`; "auto" is mcl if it loads, else pure. `threads` caps
    the threads (mcl) or processes (pure) its MSMs use (None: every usable core)."""
    chosen = name
    if chosen == "auto":
        chosen = PURE if mcl_unavailable_reason() else MclEngine.name
    if chosen == PURE:
        # py_ecc's pairing and a process pool: loaded only where the pure engine runs
        from toolchain.native.engine_pure import PureEngine

        return PureEngine(workers=threads)
    if chosen == MclEngine.name:
        return MclEngine(workers=threads)  # ToolError naming the wheel when it is missing
    known = ", ".join(ENGINE_NAMES)
    raise UsageError(f"unknown engine {chosen!r} (by name or ${ENGINE_ENV}); known: {known}")
