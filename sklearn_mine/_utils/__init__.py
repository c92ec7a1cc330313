"""Low utilities shared by every room.

The lowest layer: the training parameters' table (``parameters``) and the
docstrings filled from it (``docstrings``), validation, critic inputs
(``encoding``, ``features``, ``preprocessing``) and plain constants. These
modules import nothing of sklearn_mine's outside this package.
"""
