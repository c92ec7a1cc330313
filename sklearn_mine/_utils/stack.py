"""Warnings that point at the user's line, wherever in the package they start.

Counting ``stacklevel`` by hand breaks silently when a call is added between
the public entry point and the line that warns; walking the stack does not
(pandas' ``find_stack_level`` does the same).
"""

import inspect
import os
import warnings

__all__ = ["find_stack_level", "warn"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# scikit-learn's decorators (``validate_params``, ``_fit_context``) put a
# frame called ``wrapper`` between the user's call and the package's code.
_WRAPPER_MODULES = ("sklearn.base", "sklearn.utils._param_validation")


def _in_package(frame):
    return os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR + os.sep)


def _is_wrapper(frame):
    module = frame.f_globals.get("__name__", "")
    return module in _WRAPPER_MODULES and frame.f_code.co_name == "wrapper"


def find_stack_level():
    """The ``stacklevel`` of the first frame outside the package, for the caller.

    The frame above the outermost frame of the package (so that a warning
    raised inside a library the package calls back from, such as skorch's
    training loop, still points past it), less scikit-learn's decorator
    frames. Counted from the function that calls ``find_stack_level``.
    """
    frames = []
    frame = inspect.currentframe().f_back
    try:
        while frame is not None:
            frames.append(frame)
            frame = frame.f_back
        outermost = max((i for i, f in enumerate(frames) if _in_package(f)), default=0)
        level = outermost + 1
        while level < len(frames) - 1 and _is_wrapper(frames[level]):
            level += 1
        # warnings.warn's stacklevel=1 is the function that calls it.
        return level + 1
    finally:
        del frame, frames


def warn(message, category=UserWarning):
    """``warnings.warn`` pointed at the user's line."""
    warnings.warn(message, category, stacklevel=find_stack_level())
