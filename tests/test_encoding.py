"""Discrete variables as critic inputs: category codes and one-hot columns.

And a table's features as critic inputs, discrete and continuous together.
"""

import numpy as np
import pytest

from sklearn_mine._utils import features
from sklearn_mine._utils.encoding import (
    MAX_CATEGORIES,
    check_n_categories,
    one_hot,
    ordinal_codes,
)


def test_ordinal_codes_number_the_sorted_categories():
    # Sorted categories -5.0 < 0.5 < 7.0 get codes 0, 1, 2 whatever their
    # spacing and their order of appearance.
    codes = ordinal_codes([7.0, -5.0, 0.5, 7.0, -5.0], "x")
    np.testing.assert_array_equal(codes, [2, 0, 1, 2, 0])
    assert codes.dtype == np.int64 and codes.shape == (5,)


def test_ordinal_codes_of_text_follow_alphabetical_order():
    codes = ordinal_codes(np.array(["pear", "apple", "fig", "apple"]), "fruit")
    # apple < fig < pear.
    np.testing.assert_array_equal(codes, [2, 0, 1, 0])


def test_one_hot_has_one_float32_column_per_sorted_category():
    indicators = one_hot(np.array(["b", "a", "c", "b"]), "x")
    expected = [
        # a    b    c
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
    ]
    np.testing.assert_array_equal(indicators, expected)
    assert indicators.dtype == np.float32


def test_one_hot_reads_codes_as_categories_not_numbers():
    # Relabelling the categories by other numbers in the same order gives
    # the same columns: their spacing means nothing.
    codes = np.array([0, 2, 1, 2, 0])
    relabelled = np.array([-5.0, 0.0, 1000.0])[codes]
    np.testing.assert_array_equal(one_hot(codes, "x"), one_hot(relabelled, "x"))
    np.testing.assert_array_equal(one_hot(codes, "x"), np.eye(3)[codes])


def test_mixed_numbers_and_text_are_compared_as_text():
    # One Parquet column may hold both: as text, "10" < "2" < "a".
    values = np.array([2, "a", 10, 2], dtype=object)
    np.testing.assert_array_equal(ordinal_codes(values, "x"), [1, 2, 0, 1])
    np.testing.assert_array_equal(
        one_hot(values, "x"),
        [[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]],
    )


def test_a_single_category_is_one_column_of_ones():
    np.testing.assert_array_equal(one_hot([3, 3, 3], "x"), [[1.0], [1.0], [1.0]])
    np.testing.assert_array_equal(ordinal_codes([3, 3, 3], "x"), [0, 0, 0])


def test_too_many_categories_are_refused_by_name():
    assert MAX_CATEGORIES == 256
    check_n_categories(MAX_CATEGORIES, "Feature 0")  # at the cap: accepted
    message = (
        "column 'age' is discrete with 257 distinct values; at most 256 "
        "categories are supported. Treat it as continuous."
    )
    values = np.arange(MAX_CATEGORIES + 1)
    for encode in (one_hot, ordinal_codes):
        with pytest.raises(ValueError) as error:
            encode(values, "column 'age'")
        assert str(error.value) == message
    # At the cap, every category keeps its own column.
    assert one_hot(values[:-1], "x").shape == (MAX_CATEGORIES, MAX_CATEGORIES)


@pytest.mark.parametrize("preprocessing", ["quantile", "standard"])
def test_a_table_encodes_as_its_features_one_by_one(monkeypatch, preprocessing):
    # Continuous features are transformed in blocks; blocks of two, broken
    # by discrete features, give each feature the columns and the values
    # that a call of its own gives.
    monkeypatch.setattr(features, "_CONTINUOUS_BLOCK", 2)
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 7)) ** 3
    discrete = np.array([False, True, False, False, False, True, False])
    X[:, discrete] = rng.randint(3, size=(40, 2))
    rows = rng.permutation(40)[:30]
    encoded, columns = features.encode_features(X, discrete, preprocessing, rows)
    alone = [
        features.encode_columns(X[:, [j]], preprocessing, "x", discrete[j], rows)
        for j in range(7)
    ]
    assert [len(c) for c in columns] == [1, 3, 1, 1, 1, 3, 1]
    for j, own in enumerate(alone):
        np.testing.assert_array_equal(encoded[:, columns[j]], own)
