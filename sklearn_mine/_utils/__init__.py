"""Low utilities shared by every room: validation, encoding, preprocessing, constants.

The lowest layer: these modules import nothing else of sklearn_mine's.
"""
