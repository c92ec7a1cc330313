"""What a selection reports of its rounds: a log line each, history_, scores_."""

import logging

import numpy as np

__all__ = ["history_table", "log_move", "round_scores"]

logger = logging.getLogger(__package__)

# The columns of history_, with their dtypes: fields of a round's Move.
_HISTORY = {
    "features": object,
    "n_features": np.intp,
    "mutual_info": np.float64,
    "standard_error": np.float64,
    "gain": np.float64,
    "gain_standard_error": np.float64,
    "null_bound": np.float64,
    "accepted": bool,
}


def log_move(n_round, move, forward):
    """One line on the move of round ``n_round``, at the INFO level."""
    bound = "" if np.isnan(move.null_bound) else f" (luck bound {move.null_bound:+.4f})"
    logger.info(
        "round %d: %s %s, I = %.4f +/- %.4f nats, gain %+.4f +/- %.4f%s%s",
        n_round,
        "adds" if forward else "removes",
        " and ".join(f"feature {j}" for j in move.features),
        move.mutual_info,
        move.standard_error,
        move.gain,
        move.gain_standard_error,
        bound,
        "" if move.accepted else ": not made",
    )


def history_table(played):
    """``history_``: a column per field of the Moves ``played``, in order."""
    # np.fromiter makes a 1-D array of tuples, where np.array would make
    # tuples of one length a 2-D array.
    return {
        key: np.fromiter(
            (getattr(move, key) for move in played), dtype=dtype, count=len(played)
        )
        for key, dtype in _HISTORY.items()
    }


def round_scores(played, n_features):
    """``scores_``: each round's estimate for each candidate, a row a round."""
    return np.array([move.scores for move in played]).reshape(len(played), n_features)
