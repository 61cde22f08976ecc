"""How a proving process hands memory back: glibc's malloc told to return big blocks at once.

glibc serves a block of 128 KiB or more straight from the system and gives it back when it is
freed, but raises that threshold to the size of each such block freed (up to 32 MiB): after a
proof's first big temporary (a key section read, GMP's product of packed integers, mcl's MSM
scratch) is freed, the next ones come from the heap, and stay with the process when freed, so
later stages pile on top of memory nobody uses. Fixing the threshold at its default keeps each
big temporary only as long as it lives: measured at 2^16, a proof's peak 152 -> 130 MiB (35 MiB
of it the interpreter). It costs time: each big temporary is a fresh mapping, a page fault per
4 KiB touched; a 2^14 proof in process took 1.04-1.06x as long with it (interleaved runs).

Set in the processes the package owns that prove: the `zkt prove` process (`api.warmup`), its
batch workers (`executors.load_worker`) and the service's workers (`service.workers`); never on
import, nor in a Dask worker (the cluster is the user's): a program that imports the package
keeps its own allocator settings.
"""

from __future__ import annotations

import ctypes
from contextlib import suppress

# glibc's malloc.h: the size from which a block comes straight from the system (mmap); setting
# it turns off the threshold's growth.
_M_MMAP_THRESHOLD = -3
_THRESHOLD = 128 * 1024


def return_big_blocks() -> bool:
    """Fix glibc's mmap threshold at 128 KiB; False where the C library has no `mallopt` (not
    glibc: macOS, musl's stub) or refuses the setting."""
    with suppress(OSError):  # no C library to load by name: nothing to set
        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
        if mallopt is not None:
            return bool(mallopt(_M_MMAP_THRESHOLD, _THRESHOLD))
    return False
