import csv
import io
import itertools
import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sklearn_mine.cli import _output, _table, main
from sklearn_mine.cli._columns import select_columns
from sklearn_mine.cli._parser import build_parser

# Few steps keep each fit to seconds; the dependences below are strong enough
# to be ranked correctly after them.
FAST = ["--max-steps", "400"]


def run_cli(*args):
    """``python -m sklearn_mine`` as a user runs it: (status, stdout, stderr)."""
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_mine", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


def run_main(capsys, *args):
    """``main`` in this process, which spares the import of torch.

    With ``capfd`` for ``capsys``, what is written to the file descriptors
    (by C code, say) is read too, as from a subprocess's pipes.
    """
    status = main(["estimate", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def run_test(capsys, *args):
    """``sklearn-mine test`` through ``main``: (status, stdout, stderr)."""
    status = main(["test", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


# The fewest permutations worth testing with.
FEW_PERMUTATIONS = ["--permutations", "19"]

# The least p-value of the permutation tests: twice that of the closed-form
# statistics, 1 / (1 + 1999), which is less than the critics' 1 / 20 here.
LEAST_PVALUE = 2 / 2000


def make_frame(n=1000, seed=0):
    """x0 drives y, color drives y2; x1 is noise."""
    rng = np.random.RandomState(seed)
    x0, x1 = rng.standard_normal((2, n))
    color = rng.choice(["red", "green", "blue"], n)
    shift = pd.Series(color).map({"red": -2.0, "green": 0.0, "blue": 2.0})
    return pd.DataFrame(
        {
            "x0": x0,
            "x1": x1,
            "color": color,
            "y": x0 + 0.3 * rng.standard_normal(n),
            "y2": shift.to_numpy() + 0.3 * rng.standard_normal(n),
        }
    )


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "data.csv"
    make_frame().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    """200 rows: enough for a test to find x0 in y after 200 steps."""
    path = tmp_path_factory.mktemp("cli") / "small.csv"
    make_frame(200).to_csv(path, index=False)
    return path


def _printed(name, out):
    """The number after ``name`` on its line of the demo's output."""
    (value,) = re.findall(rf"^{name} +([-+]?\d+\.\d+) nats", out, re.MULTILINE)
    return float(value)


@pytest.mark.slow
def test_demo_prints_estimate_beside_truth(capsys):
    assert main(["demo", "--n-samples", "300", "--rho", "0.8"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    # One heading, which says how this sample differs from the lecture's.
    assert lines[0] == (
        "Bivariate Gaussian, rho=0.8, n=300 (the lecture's has rho=0.878977, n=1000)"
    )
    assert sum(line.startswith("Bivariate Gaussian") for line in lines) == 1
    estimate, truth = _printed("MINE estimate", out), _printed("true MI", out)
    se = _printed("standard error", out)
    # -1/2 log(1 - 0.64) = 0.5108
    assert truth == 0.5108
    assert _printed("error", out) == pytest.approx(estimate - truth, abs=1.5e-4)
    # About -0.04 with this seed; a critic that learnt nothing would give 0.
    assert abs(estimate - truth) < 0.1
    # About 0.1 with this seed: the mean of 90 held-out pairs' pointwise MI.
    assert 0.03 < se < 0.2
    # The 95 % normal interval, to the printed digits.
    (low, high) = map(
        float, re.findall(r"^95% interval +(\d+\.\d+) to (\d+\.\d+) nats", out, re.M)[0]
    )
    assert low == pytest.approx(estimate - 1.959964 * se, abs=2.5e-4)
    assert high == pytest.approx(estimate + 1.959964 * se, abs=2.5e-4)
    where = "inside" if low <= truth <= high else "above" if truth > high else "below"
    assert re.search(rf"^true MI .*, {where} the interval", out, re.M)


def test_demo_heading_of_the_lecture_sample(monkeypatch, capsys):
    # The fit is not what is tested here: a stand-in keeps it instant.
    class Fitted:
        mutual_info_, standard_error_ = 0.7, 0.02
        confidence_interval_ = (0.66, 0.74)
        n_steps_ = 1

        def __init__(self, **params):
            pass

        def fit(self, X, y):
            return self

    monkeypatch.setattr("sklearn_mine.MINEEstimator", Fitted)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "Bivariate Gaussian, rho=0.878977, n=1000 (the lecture's)"
    )
    # -1/2 log(1 - 0.878977^2) = 0.7405, above 0.74.
    assert (
        "true MI         0.7405 nats (-1/2 log(1 - rho^2)), above the interval "
        "(a lower bound can read low)"
    ) in out
    assert "standard error  0.0200 nats" in out
    assert "95% interval    0.6600 to 0.7400 nats" in out


def test_bad_demo_arguments_exit_with_a_message(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--rho", "1.5"])
    assert exc.value.code == 2
    assert "--rho must lie in (-1, 1); got 1.5" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, expected",
    [
        (["demo", "--n-samples", "5"], "--n-samples must be at least 10; got 5"),
        (["demo", "--random-state", "-1"], "--random-state must lie in"),
        (["estimate", "f.csv", "--target", "y", "--max-steps", "0"], "got 0"),
        (["estimate", "f.csv", "--target", "y", "--max-steps", "-3"], "got -3"),
        (["estimate", "--target", "y"], "required: FILE"),
        (["estimate", "--target", "y", "--joint"], "required: FILE"),
        (["estimate", "f.csv", "--target", "y", "--test", "--permutations", "0"],
         "--permutations must be at least 1; got 0"),
        (["test", "--target", "y"], "as in: sklearn-mine test data.csv --target"),
        (["test", "f.csv", "--target", "y", "--max-steps", "0"], "got 0"),
        (["test", "f.csv", "--target", "y", "--method", "halves"], "invalid choice"),
        (["test", "f.csv", "--target", "y", "--n-splits", "2"],
         "--n-splits needs --method split; got --method permutation"),
        (["test", "f.csv", "--target", "y", "--method", "split", "--n-splits", "1"],
         "--n-splits must be at least 2; got 1"),
        (["estimate", "f.csv", "--target", "y,,z"],
         "argument --target: empty column name in 'y,,z'"),
        (["test", "f.csv", "--target", "y", "--features", "a,"],
         "argument --features: empty column name in 'a,'"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_with_a_message(capsys, args, expected):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert expected in err
    if "--max-steps" in args:
        assert "--max-steps must be an int in the range [1, inf)" in err


@pytest.mark.parametrize(
    "args, file, target, features",
    [
        (["f.csv", "--target", "y"], "f.csv", ["y"], None),
        (["--target", "y", "f.csv"], "f.csv", ["y"], None),
        (["--target", "y,y2", "f.csv"], "f.csv", ["y", "y2"], None),
        (["--target", "y", "--target", "y2", "f.csv"], "f.csv", ["y", "y2"], None),
        (["--features", "a", "--target", "y", "f.csv"], "f.csv", ["y"], ["a"]),
        (["--target", "y", "--features", "a,b", "f.csv"], "f.csv", ["y"], ["a", "b"]),
        (["--target", "y", "--fe", "a", "f.csv"], "f.csv", ["y"], ["a"]),
        (["--target", "y", "--joint", "f.csv"], "f.csv", ["y"], None),
        (["--target", "y", "--", "f.csv"], "f.csv", ["y"], None),
        # FILE after the targets, options after FILE.
        (["--target", "y", "f.csv", "--max-steps", "200"], "f.csv", ["y"], None),
        (["--tar", "y,y2", "f.csv", "--joint"], "f.csv", ["y", "y2"], None),
        (["--target=y", "--features=a,b", "f.csv"], "f.csv", ["y"], ["a", "b"]),
        (
            ["--target", "y", "--target", "y2", "f.csv", "--features", "a"],
            "f.csv",
            ["y", "y2"],
            ["a"],
        ),
        (
            ["--features", "a,b", "f.csv", "--target", "y", "--format", "csv"],
            "f.csv",
            ["y"],
            ["a", "b"],
        ),
        # Both forms at once; names are kept as typed, spaces included.
        (
            ["--features", "a", "f.csv", "--features", "b c,d", "--target", " y"],
            "f.csv",
            [" y"],
            ["a", "b c", "d"],
        ),
    ],
)
def test_file_before_or_after_the_options(args, file, target, features):
    parser = build_parser()
    parsed = parser.parse_args(["estimate", *args])
    parsed.check(parsed)
    assert (parsed.file, parsed.target, parsed.features) == (file, target, features)


@pytest.mark.parametrize("command", ["estimate", "test"])
def test_file_is_never_taken_for_a_column(command):
    # FILE at every place among the column options, in every order of them:
    # with options of one or more values (nargs="+"), FILE right after one
    # of them would be read as a column.
    groups = [["--target", "y"], ["--target", "y2,y3"], ["--features", "a,b"],
              ["--features", "c"], ["--max-steps", "200"]]  # fmt: skip
    parser = build_parser()
    for order in itertools.permutations(groups):
        for place in range(len(groups) + 1):
            tokens = [*itertools.chain(*order[:place]), "f.csv",
                      *itertools.chain(*order[place:])]  # fmt: skip
            parsed = parser.parse_args([command, *tokens])
            assert parsed.file == "f.csv", tokens
            assert sorted(parsed.target) == ["y", "y2", "y3"], tokens
            assert sorted(parsed.features) == ["a", "b", "c"], tokens


@pytest.mark.parametrize(
    "args, target, features",
    [
        (["f.csv", "--target", "y"], ["y"], None),
        (["--target", "y,y2", "f.csv", "--method", "split"], ["y", "y2"], None),
        (["--features", "a,b", "f.csv", "--target", "y"], ["y"], ["a", "b"]),
        (["--features", "a", "--features", "b", "f.csv", "--target", "y"], ["y"],
         ["a", "b"]),
        # No --test here: --t is --target.
        (["--t", "y", "f.csv", "--permutations", "19"], ["y"], None),
    ],
)  # fmt: skip
def test_test_takes_the_file_where_estimate_does(args, target, features):
    parsed = build_parser().parse_args(["test", *args])
    parsed.check(parsed)
    assert (parsed.file, parsed.target, parsed.features) == ("f.csv", target, features)


@pytest.mark.parametrize(
    "args, unrecognized",
    [
        # The space-separated list of 0.3: its second column is FILE to
        # argparse, and FILE one argument too many.
        (["--features", "a", "b", "f.csv", "--target", "y"], "f.csv"),
        # Two files.
        (["--target", "y", "a.csv", "--features", "x", "b.csv"], "b.csv"),
    ],
)
def test_a_second_positional_is_refused_by_argparse(capsys, args, unrecognized):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["estimate", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"sklearn-mine: error: unrecognized arguments: {unrecognized}"
    )


def test_bound_is_refused_by_argparse(capsys):
    # The deprecated alias of --objective, removed in 0.4.
    with pytest.raises(SystemExit) as exc:
        main(["estimate", "f.csv", "--target", "y", "--bound", "dv"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "sklearn-mine: error: unrecognized arguments: --bound dv"
    )


def test_column_with_a_comma_cannot_be_named_and_is_told(tmp_path, capsys):
    path = tmp_path / "data.csv"
    make_frame(50).rename(columns={"x1": "x,1"}).to_csv(path, index=False)
    status, out, err = run_main(capsys, path, "--target", "y", "--features", "x,1")
    assert status == 2 and out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"sklearn-mine: error: {path}: no column 'x'; ")
    assert "as 'x,1', cannot be named" in line
    # Without --features it is a feature all the same.
    frame = pd.read_csv(path)
    assert select_columns(frame, ["y"], None)[1] == ["x0", "x,1", "color", "y2"]


def test_missing_column_without_commas_has_no_note():
    frame = make_frame(20)
    with pytest.raises(_table.InputError) as exc:
        select_columns(frame, ["y"], ["zz"])
    assert str(exc.value) == (
        "no column 'zz'; its columns are 'x0', 'x1', 'color', 'y', 'y2'"
    )


def test_estimate_with_the_file_after_the_target(data_csv, capsys):
    # What a new user typed; with a list of one or more values per option,
    # argparse gave data.csv to --target.
    status, out, err = run_main(
        capsys, "--target", "y", data_csv, "--max-steps", "200", "--format", "csv"
    )
    assert status == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    # The columns in the table's order, rank first.
    assert rows[0] == ["rank", "feature", "mutual_info", "standard_error"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    # Every column but the target: data.csv was not taken for a column.
    assert sorted(row[1] for row in rows[1:]) == ["color", "x0", "x1", "y2"]


def test_help_does_not_import_torch():
    code = (
        "import sys\n"
        "from sklearn_mine.cli._commands import main\n"
        "for argv in (['--help'], ['estimate', '--help'], ['demo', '--help'],\n"
        "             ['test', '--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code\n"
        "heavy = sorted({'torch', 'sklearn', 'pandas'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    # argparse wraps the help to the terminal's width.
    out = " ".join(result.stdout.split())
    assert "--objective NAME" in out
    assert "--method {permutation,split}" in out
    assert "--target COL[,COL...]" in out and "--features COL[,COL...]" in out
    assert "a column whose name holds a comma cannot be named" in out
    # --test's help says what it does now, no longer the 70/30 split.
    assert "all in one batched fit" in out
    assert "the lecture's bivariate Gaussian (rho = 0.878977)" in out
    assert "default: 4000" in out
    # --bound, a deprecated alias of --objective, is gone.
    assert "--bound" not in out
    assert "seed's" not in out and "SEED_RHO" not in out


def test_module_entry_point_runs():
    status, out, _ = run_cli("--help")
    assert status == 0
    assert "demo" in out
    assert "estimate" in out
    assert "test" in out


@pytest.mark.slow
def test_estimate_ranks_the_informative_feature_first(data_csv, capfd):
    status, out, err = run_main(capfd, data_csv, "--target", "y", "--progress", *FAST)
    assert status == 0, err
    lines = out.splitlines()
    assert str(data_csv) in lines[0]
    assert "objective mine" in lines[0] and "1000 rows" in lines[0]
    assert lines[1].split() == ["rank", "feature", "mutual_info", "standard_error"]
    # Every column but the target, the categorical one included.
    ranked = [line.split() for line in lines[2:]]
    assert [row[1] for row in ranked][0] == "x0"
    assert sorted(row[1] for row in ranked) == ["color", "x0", "x1", "y2"]
    # Each feature's standard error: positive, and well below x0's MI.
    errors = {row[1]: float(row[3]) for row in ranked}
    assert all(e > 0 for e in errors.values())
    assert errors["x0"] < 0.2
    # -1/2 log(1 - 1/1.09) = 1.25 nats.
    assert float(ranked[0][2]) > 0.8
    assert "fitting 4 critics" in err


@pytest.mark.slow
def test_estimate_json_with_several_targets(data_csv, capfd):
    status, out, err = run_main(
        capfd,
        data_csv,
        # Both forms of a list: repeated, and comma-separated.
        "--target",
        "y",
        "--target",
        "y2",
        "--features",
        "x1,color",
        "--features",
        "x0",
        "--format",
        "json",
        *FAST,
    )
    assert status == 0, err
    # stderr is not a terminal: no progress unless asked for.
    assert err == ""
    results = json.loads(out)
    # The keys in the table's order, rank first.
    assert list(results[0]) == ["rank", "feature", "mutual_info", "standard_error"]
    assert [r["rank"] for r in results] == [1, 2, 3]
    assert results[-1]["feature"] == "x1"
    assert {r["feature"] for r in results[:2]} == {"x0", "color"}
    assert all(r["standard_error"] > 0 for r in results)
    assert "pvalue" not in results[0]
    assert results[0]["mutual_info"] >= results[1]["mutual_info"] > 0.5


def _mi_of_three_shifts(shifts=(-2.0, 0.0, 2.0), sigma=0.3):
    """I(color; y2) of make_frame: y2 is a uniform mixture of three normals."""
    grid = np.linspace(min(shifts) - 10 * sigma, max(shifts) + 10 * sigma, 200_001)
    step = grid[1] - grid[0]
    density = np.mean(
        [np.exp(-0.5 * ((grid - m) / sigma) ** 2) for m in shifts], axis=0
    ) / (sigma * np.sqrt(2 * np.pi))
    positive = density > 0
    h_y = -np.sum(density[positive] * np.log(density[positive])) * step
    h_y_given_color = 0.5 * np.log(2 * np.pi * np.e * sigma**2)
    return h_y - h_y_given_color


@pytest.mark.slow
def test_estimate_joint_csv_with_a_categorical_feature(data_csv, capfd):
    status, out, err = run_main(
        capfd,
        data_csv,
        "--target",
        "y2",
        "--features",
        "x1,color",
        "--joint",
        "--format",
        "csv",
        "--progress",
        *FAST,
    )
    assert status == 0, err
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["features"] == "x1;color"
    # What the table's header shows.
    assert (row["target"], row["objective"], row["n_rows"]) == ("y2", "mine", "1000")
    mi, se = float(row["mutual_info"]), float(row["standard_error"])
    assert se > 0
    # The 95 % normal interval, written in full precision.
    assert float(row["ci_low"]) == pytest.approx(mi - 1.959964 * se, abs=1e-6)
    assert float(row["ci_high"]) == pytest.approx(mi + 1.959964 * se, abs=1e-6)
    # x1 is noise; color takes three equally likely values, well apart in y2,
    # so the truth is just under log 3. A lower bound after 400 steps: it
    # may fall short, but not by much, and must not overshoot.
    truth = _mi_of_three_shifts()
    assert 1.09 < truth < np.log(3)
    assert truth - 0.3 < mi < truth + 0.05
    # The progress bar counts gradient steps out of the budget.
    assert re.search(r"\d+/400", err)


def test_estimate_with_a_categorical_target(data_csv, capsys):
    status, out, err = run_main(
        capsys,
        data_csv,
        "--target",
        "color",
        "--features",
        "x0,y2",
        "--format",
        "json",
        "--max-steps",
        "200",
    )
    assert status == 0, err
    assert [r["feature"] for r in json.loads(out)] == ["y2", "x0"]


@pytest.mark.slow
def test_estimate_reads_parquet(tmp_path, capfd):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    make_frame(300).to_parquet(path)
    status, out, err = run_main(
        capfd, path, "--target", "y", "--format", "json", "--max-steps", "100"
    )
    assert status == 0, err
    assert len(json.loads(out)) == 4


def test_joint_table_output(capsys):
    args = build_parser().parse_args(["estimate", "f.csv", "--target", "y", "--joint"])
    result = {
        "target": ["y"],
        "objective": "mine",
        "n_rows": 100,
        "features": ["a", "b"],
        "mutual_info": 0.5,
        "standard_error": 0.02,
        "ci_low": 0.46,
        "ci_high": 0.54,
    }
    _output.write(result, args, 100, sys.stdout)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "f.csv: mutual information with y, in nats (objective mine, 100 rows)"
    )
    assert out[1:] == [
        "features        a, b (jointly)",
        "mutual_info     0.5000",
        "standard_error  0.0200",
        "95% interval    0.4600 to 0.5400",
    ]


def test_joint_json_with_file_last_and_objective(tmp_path, capsys):
    path = tmp_path / "data.csv"
    make_frame(200).to_csv(path, index=False)
    status, out, err = run_main(
        capsys,
        "--target",
        "y",
        "--features",
        "x0,color",
        "--joint",
        "--format",
        "json",
        "--max-steps",
        "50",
        "--objective",
        "nwj",
        path,
    )
    assert status == 0, err
    result = json.loads(out)
    assert result["target"] == ["y"]
    assert result["objective"] == "nwj"
    assert result["n_rows"] == 200
    assert result["features"] == ["x0", "color"]


def _write_bad_files(directory):
    frame = make_frame(50)
    frame.to_csv(directory / "data.csv", index=False)
    (directory / "garbage.csv").write_bytes(bytes(range(256)) * 8)
    missing = frame.copy()
    missing.loc[[3, 7, 9], "x1"] = np.nan
    missing.to_csv(directory / "missing.csv", index=False)
    frame.head(5).to_csv(directory / "short.csv", index=False)
    frame.assign(y=1.5).to_csv(directory / "constant.csv", index=False)
    # A numeric column with one typo is read as text with too many categories.
    typo = make_frame(300).astype({"x1": str})
    typo.loc[5, "x1"] = "1.2.3"
    typo.to_csv(directory / "typo.csv", index=False)
    # A numeric column with a few placeholders, which pandas reads as text.
    # ("n/a" and "" pandas reads as missing.)
    tokens = make_frame(300).astype({"x0": object})
    tokens.loc[[4, 150, 151, 299], "x0"] = ["?", "missing", "?", "-"]
    tokens.to_csv(directory / "tokens.csv", index=False)
    # A text column with more categories than a critic can tell apart.
    many = make_frame(300).assign(color=[f"c{i}" for i in range(300)])
    many.to_csv(directory / "many.csv", index=False)


# Each case: file, arguments, what the error line must say beyond the file's
# name, and whether to run it as a subprocess. Each subprocess imports torch
# (2-3 s), so most cases run through main() in this process, which returns
# the status that the subprocess would exit with (and capfd reads what C
# code would write to stderr too). The two subprocess cases reach the
# library's checks, past the imports and the reading of the file.
BAD_INPUTS = {
    "no such file": ("nope.csv", ["--target", "y"], ["no such file"], False),
    "unreadable": (
        "garbage.csv",
        ["--target", "y"],
        ["cannot read it as CSV"],
        False,
    ),
    "no such column": (
        "data.csv",
        ["--target", "y", "--features", "x0,zz"],
        ["'zz'", "'x0', 'x1', 'color', 'y', 'y2'"],
        False,
    ),
    "target in features": (
        "data.csv",
        ["--target", "y", "--features", "x0,y"],
        ["'y'", "both"],
        False,
    ),
    "not categories": ("typo.csv", ["--target", "y"], ["'x1'", "'1.2.3'"], False),
    "numbers with text tokens": (
        "tokens.csv",
        ["--target", "y"],
        ["'x0'", "4 cells", "'?' in row 5", "'missing' in row 151", "drop"],
        False,
    ),
    "text target with numbers": (
        "tokens.csv",
        ["--target", "x0", "--features", "x1"],
        ["'x0'", "4 cells"],
        False,
    ),
    "too many categories": (
        "many.csv",
        ["--target", "y"],
        ["'color'", "300 distinct", "256"],
        False,
    ),
    "missing values": (
        "missing.csv",
        ["--target", "y"],
        ["'x1'", "3 missing", "row 4"],
        True,
    ),
    "too few rows": (
        "short.csv",
        ["--target", "y"],
        ["5 rows", "at least 10"],
        False,
    ),
    "constant target": (
        "constant.csv",
        ["--target", "y"],
        ["'y'", "constant", "1.5"],
        True,
    ),
    "discrete target among several": (
        "data.csv",
        ["--target", "y,color"],
        ["'color'", "categorical"],
        False,
    ),
}


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bad")
    _write_bad_files(directory)
    return directory


@pytest.mark.slow
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_error_line(bad_dir, capfd, case):
    name, args, expected, as_subprocess = BAD_INPUTS[case]
    path = bad_dir / name
    if as_subprocess:
        status, out, err = run_cli("estimate", path, *args, *FAST)
    else:
        status, out, err = run_main(capfd, path, *args, *FAST)
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith(f"sklearn-mine: error: {path}: ")
    for text in expected:
        assert text in line


def test_library_value_error_is_one_error_line(bad_dir, monkeypatch, capsys):
    def reject(*args, **kwargs):
        raise ValueError("Feature 0 is discrete with 300 distinct values;\nmore.")

    monkeypatch.setattr("sklearn_mine.mutual_info_mine", reject)
    path = bad_dir / "data.csv"
    assert main(["estimate", str(path), "--target", "y"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"sklearn-mine: error: {path}: Feature 0 is discrete with 300 distinct "
        "values;\n"
    )


def test_parquet_without_an_engine_says_what_to_install(tmp_path, monkeypatch, capsys):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setattr(_table, "_parquet_engine_installed", lambda: False)
    assert main(["estimate", str(path), "--target", "y"]) == 2
    assert "pip install pyarrow" in capsys.readouterr().err


def test_estimate_test_gives_a_pvalue_per_feature(capsys, small_csv, monkeypatch):
    from sklearn_mine import mutual_info_mine

    calls = []

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return mutual_info_mine(*args, **kwargs)

    monkeypatch.setattr("sklearn_mine.mutual_info_mine", counted)
    args = (small_csv, "--target", "y", "--features", "x0,x1,color")
    status, out, err = run_main(
        capsys, *args, "--test", *FEW_PERMUTATIONS, "--max-steps", "200",
        "--format", "json",
    )  # fmt: skip
    assert status == 0, err
    # The estimates and every feature's test come from one batched fit.
    assert len(calls) == 1
    assert calls[0]["return_pvalues"] and calls[0]["n_permutations"] == 19
    results = {r["feature"]: r for r in json.loads(out)}
    assert list(results["x0"]) == [
        "rank", "feature", "mutual_info", "standard_error", "pvalue"
    ]  # fmt: skip
    # A p-value lies in [LEAST_PVALUE, 1]; y follows x0, which no permuted
    # copy matches: the least p-value.
    assert results["x0"]["pvalue"] == pytest.approx(LEAST_PVALUE)
    assert all(LEAST_PVALUE <= r["pvalue"] <= 1 for r in results.values())


def test_estimate_test_says_which_critics_fit(capsys, small_csv):
    # With its defaults, --test takes the tests' convex critics
    # (critic="auto"); a --max-steps of its own asks for the MLP's.
    args = (small_csv, "--target", "y", "--test", "--progress", *FEW_PERMUTATIONS)
    status, _, err = run_main(capsys, *args)
    assert status == 0, err
    assert "each solved by a few Newton steps" in err and "steps each" not in err
    status, _, err = run_main(capsys, *args, "--max-steps", "100")
    assert status == 0, err
    assert "at most 100 steps each" in err and "Newton" not in err


def test_estimate_says_a_class_targets_estimates_are_solved(capsys, small_csv):
    # A target of three classes and 200 rows: mutual_info_mine_classif's
    # estimates take the convex critics, and the progress line says so.
    args = (small_csv, "--target", "color", "--features", "x0,y2", "--progress")
    status, _, err = run_main(capsys, *args)
    assert status == 0, err
    assert "each solved by a few Newton steps" in err and "steps each" not in err


def test_per_feature_table_has_a_pvalue_column(capsys):
    args = build_parser().parse_args(["estimate", "f.csv", "--target", "y", "--test"])
    result = [
        {"rank": 1, "feature": "a", "mutual_info": 0.5, "standard_error": 0.02,
         "pvalue": 0.005},
        {"rank": 2, "feature": "bb", "mutual_info": 0.0, "standard_error": 0.01,
         "pvalue": 0.75},
    ]  # fmt: skip
    _output.write(result, args, 100, sys.stdout)
    assert capsys.readouterr().out.splitlines()[1:] == [
        "rank  feature  mutual_info  standard_error  pvalue",
        "   1  a             0.5000          0.0200  0.0050",
        "   2  bb            0.0000          0.0100  0.7500",
    ]


def test_estimate_joint_test_is_the_permutation_test(capsys, small_csv, monkeypatch):
    from sklearn_mine import independence_test

    calls = []

    def spied(*args, **kwargs):
        calls.append(kwargs)
        return independence_test(*args, **kwargs)

    monkeypatch.setattr("sklearn_mine.independence_test", spied)
    status, out, err = run_main(
        capsys, small_csv, "--target", "y", "--features", "x0,x1", "--joint",
        "--test", *FEW_PERMUTATIONS, "--max-steps", "100",
    )  # fmt: skip
    assert status == 0, err
    (kwargs,) = calls
    assert kwargs["method"] == "permutation"
    assert (kwargs["n_permutations"], kwargs["max_steps"]) == (19, 100)
    (line,) = [line for line in out.splitlines() if line.startswith("pvalue")]
    assert float(line.split()[1]) == pytest.approx(LEAST_PVALUE)


@pytest.mark.parametrize("method", ["permutation", "split"])
def test_test_command_finds_a_dependence(capsys, small_csv, method):
    # Both methods take the training options; --objective reaches the critics.
    status, out, err = run_test(
        capsys, "--target", "y", "--features", "x0,x1", small_csv,
        "--method", method, "--objective", "nwj", *FEW_PERMUTATIONS,
        "--max-steps", "200", "--format", "json",
    )  # fmt: skip
    assert status == 0, err
    result = json.loads(out)
    assert list(result) == [
        "target", "objective", "n_rows", "features", "method", "n_permutations",
        "statistic", "pvalue",
    ]  # fmt: skip
    assert result["target"] == ["y"] and result["features"] == ["x0", "x1"]
    assert (result["method"], result["objective"]) == (method, "nwj")
    assert (result["n_rows"], result["n_permutations"]) == (200, 19)
    # y follows x0: no permuted pairing scores as high, the least p-value
    # (the split's: 1 / (1 + 19)).
    assert result["statistic"] > 0.3
    least = LEAST_PVALUE if method == "permutation" else 1 / 20
    assert result["pvalue"] == pytest.approx(least)


def test_test_command_cross_fits_the_split(capsys, small_csv):
    status, out, err = run_test(
        capsys, "--target", "y", "--features", "x0,x1", small_csv,
        "--method", "split", "--n-splits", "2", *FEW_PERMUTATIONS,
        "--max-steps", "200", "--format", "json",
    )  # fmt: skip
    assert status == 0, err
    result = json.loads(out)
    assert (result["method"], result["n_splits"]) == ("crossfit", 2)
    # Permutations a fold, not folds times permutations.
    assert result["n_permutations"] == 19
    # y follows x0: in each fold no permuted pairing scores as high, 1/20,
    # and two folds merge to twice the smaller.
    assert result["pvalue"] == pytest.approx(2 / 20)


def test_test_command_csv_with_a_categorical_target(capsys, small_csv):
    status, out, err = run_test(
        capsys, small_csv, "--target", "color", "--features", "x1,y2",
        *FEW_PERMUTATIONS, "--max-steps", "100", "--format", "csv",
    )  # fmt: skip
    assert status == 0, err
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["target"], row["features"], row["method"]) == (
        "color",
        "x1;y2",
        "permutation",
    )
    assert LEAST_PVALUE <= float(row["pvalue"]) <= 1


@pytest.mark.parametrize(
    "method, folds",
    [("permutation", []), ("crossfit", [("n_splits", 3)])],
)
def test_test_table_output(capsys, method, folds):
    args = build_parser().parse_args(["test", "f.csv", "--target", "y"])
    result = {
        "target": ["y"],
        "objective": "mine",
        "n_rows": 100,
        "features": ["a", "b"],
        "method": method,
        **dict(folds),
        "n_permutations": 199,
        "statistic": 0.25,
        "pvalue": 0.005,
    }
    _output.write(result, args, 100, sys.stdout)
    assert capsys.readouterr().out.splitlines() == [
        "f.csv: test of independence from y (objective mine, 100 rows)",
        "features        a, b (jointly)",
        f"method          {method}",
        # A cross-fitted test's folds, before a fold's permutations.
        *(f"{name:<16}{value}" for name, value in folds),
        "n_permutations  199",
        "statistic       0.2500 nats",
        "pvalue          0.0050",
    ]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--target", "y", "--features", "x0,zz"], ["no column 'zz'", "'x0'"]),
        (["--target", "zz"], ["no column 'zz'"]),
        (["--target", "y", "--features", "y"], ["'y'", "both"]),
    ],
)
def test_test_command_bad_input_is_one_error_line(capsys, small_csv, args, expected):
    status, out, err = run_test(capsys, small_csv, *args)
    assert status == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"sklearn-mine: error: {small_csv}: ")
    for text in expected:
        assert text in line


def test_test_command_library_value_error_is_one_error_line(
    capsys, small_csv, monkeypatch
):
    def reject(*args, **kwargs):
        raise ValueError("test_fraction=0.3 of 12 samples leaves 4;\nmore.")

    monkeypatch.setattr("sklearn_mine.independence_test", reject)
    status, out, err = run_test(capsys, small_csv, "--target", "y")
    assert status == 2
    assert err == (
        f"sklearn-mine: error: {small_csv}: test_fraction=0.3 of 12 samples leaves 4;\n"
    )
