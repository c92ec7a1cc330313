import io
import json
import pickle
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest

from sklearn_mine import MINEEstimator
from sklearn_mine._engine.persistence import FITTED_VALUES
from sklearn_mine.datasets import make_gaussian
from sklearn_mine.io import dump, load

# A plumbing budget: steps of 256 pairs at the learning rate matched to
# them cost about half the default 1024-pair steps; the defaults
# themselves are tested in test_hard_defaults.py and the docstrings.
QUICK = dict(max_steps=200, steps_per_epoch=50, random_state=0, batch_size=256, lr=2e-3)


@pytest.fixture(scope="module")
def data():
    X, y, _ = make_gaussian(600, n_features_x=2, random_state=0)
    return pd.DataFrame(X, columns=["a", "b"]), y


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"preprocessing": "standard"},
        {"reference": "gaussian"},
        {"reference": "copula"},
        {"objective": "infonce", "critic": "separable", "batch_size": 64},
    ],
    ids=["default", "standard", "nee", "copula", "infonce"],
)
@pytest.mark.slow
def test_safe_round_trip_keeps_score_and_attributes(data, params, tmp_path):
    X, y = data
    est = MINEEstimator(**{**QUICK, **params}).fit(X, y)
    path = tmp_path / "model.zip"
    dump(est, path)
    loaded = load(path)
    assert loaded.score(X, y) == est.score(X, y)
    np.testing.assert_array_equal(
        loaded.pointwise_mutual_info(X, y), est.pointwise_mutual_info(X, y)
    )
    # Every fitted attribute comes back: one added to the estimator but not
    # to what dump saves fails here.
    assert _fitted(loaded) == _fitted(est)
    for name in FITTED_VALUES:
        value = getattr(loaded, name)
        assert type(value) is type(getattr(est, name)), name
        np.testing.assert_equal(value, getattr(est, name), err_msg=name)
    np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)
    assert loaded.get_params() == {**est.get_params(), "callbacks": None}


def _fitted(estimator):
    return {name for name in vars(estimator) if name.endswith("_")}


def test_archive_holds_no_pickled_code(data):
    # Only JSON and a weights-only torch file: nothing that names a class.
    X, y = data
    buffer = io.BytesIO()
    dump(MINEEstimator(**QUICK).fit(X, y), buffer)
    with zipfile.ZipFile(buffer) as archive:
        assert sorted(archive.namelist()) == ["estimator.json", "tensors.pt"]
        weights = archive.read("tensors.pt")
    assert b"sklearn_mine" not in weights and b"skorch" not in weights


@pytest.mark.parametrize("module", [pickle, joblib])
def test_pickle_and_joblib_round_trips_keep_score(data, module, tmp_path):
    X, y = data
    est = MINEEstimator(**QUICK).fit(X, y)
    path = tmp_path / "model.pkl"
    with open(path, "wb") as f:
        module.dump(est, f)
    with open(path, "rb") as f:
        loaded = module.load(f)
    assert loaded.score(X, y) == est.score(X, y)


def test_dump_refuses_what_it_cannot_save(data):
    with pytest.raises(TypeError, match="MINEEstimator"):
        dump(object(), io.BytesIO())
    with pytest.raises(ValueError, match="not fitted"):
        dump(MINEEstimator(), io.BytesIO())


def test_load_refuses_other_files(tmp_path):
    path = tmp_path / "model.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="Not a file written by"):
        load(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("estimator.json", '{"format_version": 99}')
        archive.writestr("tensors.pt", b"")
    with pytest.raises(ValueError, match="format version 99"):
        load(path)


@pytest.mark.slow
@pytest.mark.parametrize("reference", ["resample", "gaussian"])
def test_files_from_before_radial_features_and_auto_still_load(data, reference):
    # Files written before 0.2 knew neither radial features (their critics
    # have none) nor reference="auto" (they name the reference they used).
    X, y = data
    est = MINEEstimator(**QUICK, radial_features=False, reference=reference)
    est.fit(X, y)

    def forget(fitted):
        del fitted["params"]["radial_features"], fitted["reference_"]

    loaded = load(_older_file(est, forget))
    assert not loaded.radial_features and loaded.reference_ == reference
    assert loaded.score(X, y) == est.score(X, y)


def test_files_from_before_the_lower_confidence_bound_still_load(data):
    X, y = data
    est = MINEEstimator(**QUICK).fit(X, y)

    def forget(fitted):
        del fitted["lower_confidence_bound_"]

    loaded = load(_older_file(est, forget))
    # mutual_info_ - Phi^-1(0.95) standard_error_, Phi^-1(0.95) = 1.6448536.
    expected = loaded.mutual_info_ - 1.6448536269514722 * loaded.standard_error_
    assert loaded.lower_confidence_bound_ == pytest.approx(expected, abs=1e-12)
    assert loaded.lower_confidence_bound_ == est.lower_confidence_bound_


def _older_file(estimator, forget):
    """``estimator``'s file as an older version wrote it, ``forget`` editing
    its JSON."""
    buffer = io.BytesIO()
    dump(estimator, buffer)
    with zipfile.ZipFile(buffer) as archive:
        fitted = json.loads(archive.read("estimator.json"))
        weights = archive.read("tensors.pt")
    forget(fitted)
    old = io.BytesIO()
    with zipfile.ZipFile(old, "w") as archive:
        archive.writestr("estimator.json", json.dumps(fitted))
        archive.writestr("tensors.pt", weights)
    old.seek(0)
    return old
