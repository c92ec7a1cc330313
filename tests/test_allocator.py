"""glibc's heap settings during training (sklearn_mine._engine.allocator)."""

import os

import pytest

from sklearn_mine._engine import allocator as _allocator


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
    """A fresh process's state, with a fake glibc and no user settings."""
    monkeypatch.setattr(_allocator, "_state", {"retained": False})
    fake = FakeLibc()
    monkeypatch.setattr(_allocator, "_glibc", lambda: fake)
    for name in (*_allocator._USER_SETTINGS, "GLIBC_TUNABLES"):
        monkeypatch.delenv(name, raising=False)
    return fake


@pytest.mark.parametrize(
    "name, value",
    [
        ("MALLOC_TRIM_THRESHOLD_", "131072"),
        ("MALLOC_TOP_PAD_", "0"),
        ("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072"),
    ],
)
def test_the_users_own_heap_settings_are_left_alone(libc, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    assert _allocator.retain_freed_memory() is False
    _allocator.release_freed_memory()
    assert libc.calls == []


def test_other_c_libraries_are_left_alone(libc, monkeypatch):
    monkeypatch.setattr(_allocator, "_glibc", lambda: None)
    assert _allocator.retain_freed_memory() is False
    _allocator.release_freed_memory()  # nothing to hand back, and no error


def test_settings_are_made_once(libc, monkeypatch):
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


@pytest.mark.skipif(
    not hasattr(os, "confstr") or not os.confstr("CS_GNU_LIBC_VERSION"),
    reason="glibc only",
)
def test_glibc_is_found_where_it_runs():
    assert _allocator._glibc() is not None
