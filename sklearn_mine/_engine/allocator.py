"""glibc's heap settings during training: keep a step's freed memory for the next.

A training step of many critics allocates and frees tensors of several MiB
(a grouped critic of 256 critics x 512 rows x 16 hidden units: 8 MiB per
activation). With glibc's default, dynamic settings, the freed memory at the
top of the heap is handed back to the system after every step, and the next
step takes it back one page fault at a time: a fit of 256 features x 1000
rows spent 1.6-2 million page faults and a third of its time on them
(docs/performance.md). torch's CPU allocator caches nothing and offers no
setting for this, so the heap itself is told to keep up to
``_TRIM_THRESHOLD`` of freed memory, and to serve blocks of up to
``_MMAP_THRESHOLD`` (the largest glibc's own dynamic setting ever uses) from
the heap rather than from fresh mappings.

The settings are process-wide and glibc-only. They are made once, at the
first training, and only where the user has not chosen glibc's settings
(its ``MALLOC_*_`` variables or ``glibc.malloc`` tunables); elsewhere
(macOS, Windows, musl) nothing is done. After each training the freed memory
is handed back (``malloc_trim``), so a process's resident memory after a fit
is what it would have been.
"""

import ctypes
import functools
import os

__all__ = ["release_freed_memory", "retain_freed_memory"]

# mallopt's parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

_MMAP_THRESHOLD = 32 * 2**20
_TRIM_THRESHOLD = 128 * 2**20

_USER_SETTINGS = (
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TOP_PAD_",
    "MALLOC_MMAP_MAX_",
)

_state = {"retained": False}


@functools.cache
def _glibc():
    """The C library, if it is glibc; else None (looked up once)."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
    except (AttributeError, ValueError, OSError):
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def _user_chose():
    return any(name in os.environ for name in _USER_SETTINGS) or (
        "glibc.malloc" in os.environ.get("GLIBC_TUNABLES", "")
    )


def retain_freed_memory():
    """Let glibc keep freed memory between training steps (once a process).

    Returns whether the settings are in force.
    """
    if _state["retained"]:
        return True
    libc = _glibc()
    if libc is None or _user_chose():
        return False
    # Either call turns glibc's dynamic thresholds off, so both are set.
    _state["retained"] = bool(
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        and libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    )
    return _state["retained"]


def release_freed_memory():
    """Hand the heap's freed memory back to the system, where it was kept."""
    if _state["retained"]:
        _glibc().malloc_trim(0)
