import subprocess
import sys

import pytest

from sklearn_mine._cli import main


def test_demo_prints_estimate_beside_truth(capsys):
    assert main(["demo", "--n-samples", "300", "--rho", "0.5"]) == 0
    out = capsys.readouterr().out
    # -1/2 log(1 - 0.25) = 0.1438
    assert "true MI        0.1438 nats" in out
    assert "MINE estimate" in out


def test_bad_demo_arguments_exit_with_a_message(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--rho", "1.5"])
    assert exc.value.code == 2
    assert "--rho must lie in (-1, 1)" in capsys.readouterr().err


def test_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_mine", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "demo" in result.stdout
