"""Bad input to the command line, and how it is told: one line of stderr."""

__all__ = ["InputError", "first_line"]


class InputError(Exception):
    """Bad input data: reported on one line of stderr, with exit status 2."""


def first_line(exc):
    """The first line of an exception's (or a warning's) message."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
