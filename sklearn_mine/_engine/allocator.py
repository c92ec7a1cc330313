"""glibc's heap settings during training, for whoever opts in.

A training step of many critics allocates and frees tensors of several MiB
(a grouped critic of 256 critics x 512 rows x 16 hidden units: 8 MiB per
activation). With glibc's default, dynamic settings, the freed memory at the
top of the heap is handed back to the system after every step, and the next
step takes it back one page fault at a time: a fit of 256 features x 1000
rows spent 1.6-2 million page faults and a third of its time on them
(docs/performance.md). torch's CPU allocator caches nothing and offers no
setting for this, so the heap itself can be told to keep up to
``_TRIM_THRESHOLD`` of freed memory, and to serve blocks of up to
``_MMAP_THRESHOLD`` (the largest glibc's own dynamic setting ever uses) from
the heap rather than from fresh mappings.

Those settings are process-wide, and glibc cannot give them back: mallopt
only sets (there is no getter, so a value the user or another library set
cannot be read to restore it), and setting either threshold turns off, for
the rest of the process, the dynamic thresholds glibc starts with (its
``mp_.no_dyn_threshold``, which nothing clears). Measured on glibc 2.36: in
a fresh process a freed 1 MiB block raises the mmap threshold, so the next
1 MiB blocks come from the heap; after the two settings were made and
glibc's default values (128 KiB) set again, every 1 MiB block was still a
fresh mapping. No setting made after a fit would leave the process as the
fit found it, so the settings are opt-in: made at the start of a training
only where the environment variable ``SKLEARN_MINE_RETAIN_FREED_MEMORY`` is
``1`` (read at each training, so it may be set from Python before a fit),
the C library is glibc and the user has not chosen glibc's settings
(its ``MALLOC_*_`` variables or ``glibc.malloc`` tunables, which can make
the same settings from the start of the process:
``MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=134217728``).
Without it, training calls nothing of glibc's. Once made, the settings stay
(the user asked for them), and after each training the freed memory is
handed back (``malloc_trim``), so a process's resident memory after a fit
is what it would have been.
"""

import ctypes
import functools
import os

__all__ = ["OPT_IN", "release_freed_memory", "retain_freed_memory"]

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

# The opt-in, by its name in the environment.
OPT_IN = "SKLEARN_MINE_RETAIN_FREED_MEMORY"

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
    """Let glibc keep freed memory between training steps, where opted in.

    The settings are made once a process, and only with ``OPT_IN`` set to
    ``1``. Returns whether they are in force.
    """
    if _state["retained"]:
        return True
    if os.environ.get(OPT_IN) != "1":
        return False
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
