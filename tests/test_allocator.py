"""glibc's heap settings during training (sklearn_mine._engine.allocator)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from sklearn_mine import MINEEstimator
from sklearn_mine._engine import allocator as _allocator

GLIBC = hasattr(os, "confstr") and bool(os.confstr("CS_GNU_LIBC_VERSION"))


class FakeLibc:
    """Records the calls that would reach glibc."""

    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append((parameter, value))
        return 1

    def malloc_trim(self, pad):
        self.calls.append(("trim", pad))
        return 1


@pytest.fixture
def libc(monkeypatch):
    """A fresh process's state, with a fake glibc, no user settings, no opt-in."""
    monkeypatch.setattr(_allocator, "_state", {"retained": False})
    fake = FakeLibc()
    monkeypatch.setattr(_allocator, "_glibc", lambda: fake)
    for name in (*_allocator._USER_SETTINGS, "GLIBC_TUNABLES", _allocator.OPT_IN):
        monkeypatch.delenv(name, raising=False)
    return fake


def _tiny_fit():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((60, 1))
    return MINEEstimator(max_steps=4, steps_per_epoch=2, random_state=0).fit(
        X, X[:, 0] + rng.standard_normal(60)
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_fitting_leaves_the_heap_alone_without_the_opt_in(libc):
    _tiny_fit()
    assert libc.calls == []
    assert _allocator.retain_freed_memory() is False


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_with_the_opt_in_a_fit_keeps_freed_memory_and_hands_it_back(libc, monkeypatch):
    monkeypatch.setenv(_allocator.OPT_IN, "1")
    _tiny_fit()
    assert libc.calls == [
        (_allocator._M_MMAP_THRESHOLD, _allocator._MMAP_THRESHOLD),
        (_allocator._M_TRIM_THRESHOLD, _allocator._TRIM_THRESHOLD),
        ("trim", 0),
    ]


@pytest.mark.parametrize("value", ["0", "", "yes"])
def test_only_1_opts_in(libc, monkeypatch, value):
    monkeypatch.setenv(_allocator.OPT_IN, value)
    assert _allocator.retain_freed_memory() is False
    _allocator.release_freed_memory()
    assert libc.calls == []


@pytest.mark.parametrize(
    "name, value",
    [
        ("MALLOC_TRIM_THRESHOLD_", "131072"),
        ("MALLOC_TOP_PAD_", "0"),
        ("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072"),
    ],
)
def test_the_users_own_heap_settings_are_left_alone(libc, monkeypatch, name, value):
    monkeypatch.setenv(_allocator.OPT_IN, "1")
    monkeypatch.setenv(name, value)
    assert _allocator.retain_freed_memory() is False
    _allocator.release_freed_memory()
    assert libc.calls == []


def test_other_c_libraries_are_left_alone(libc, monkeypatch):
    monkeypatch.setenv(_allocator.OPT_IN, "1")
    monkeypatch.setattr(_allocator, "_glibc", lambda: None)
    assert _allocator.retain_freed_memory() is False
    _allocator.release_freed_memory()  # nothing to hand back, and no error


def test_settings_are_made_once(libc, monkeypatch):
    monkeypatch.setenv(_allocator.OPT_IN, "1")
    # Tunables of other glibc parts are not heap settings.
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=512")
    assert _allocator.retain_freed_memory() is True
    assert _allocator.retain_freed_memory() is True
    assert libc.calls == [
        (_allocator._M_MMAP_THRESHOLD, _allocator._MMAP_THRESHOLD),
        (_allocator._M_TRIM_THRESHOLD, _allocator._TRIM_THRESHOLD),
    ]
    _allocator.release_freed_memory()
    assert libc.calls[-1] == ("trim", 0)


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_glibc_is_found_where_it_runs():
    assert _allocator._glibc() is not None


# In a fresh process: fit, then ask glibc where two blocks of 24 MiB come
# from, reading the IS_MMAPPED bit of each block's size field (the word
# before the pointer malloc returns). glibc starts with dynamic thresholds:
# the first block is a fresh mapping, and freeing it raises the mmap
# threshold, so the second comes from the heap: [True, False]. After the
# opt-in's settings both come from the heap ([False, False]); after any
# mallopt of the threshold, whatever its value, the threshold no longer
# moves (with glibc's default put back: [True, True]).
_PROBE = """
import ctypes, json, os, sys
import numpy as np
from sklearn_mine import MINEEstimator

rng = np.random.RandomState(0)
X = rng.standard_normal((60, 1))
MINEEstimator(max_steps=4, steps_per_epoch=2, random_state=0).fit(X, X[:, 0])
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
mapped = []
for _ in range(2):
    block = libc.malloc(24 * 2**20)
    mapped.append(bool(ctypes.c_size_t.from_address(block - 8).value & 2))
    libc.free(block)
print(json.dumps(mapped))
"""


def _probe(opt_in):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in (*_allocator._USER_SETTINGS, "GLIBC_TUNABLES", _allocator.OPT_IN)
    }
    if opt_in:
        env[_allocator.OPT_IN] = "1"
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(_PROBE)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_a_fit_leaves_glibcs_dynamic_thresholds_in_place():
    assert _probe(opt_in=False) == "[true, false]"
    # The probe tells the two apart: the opt-in's settings are seen.
    assert _probe(opt_in=True) == "[false, false]"
