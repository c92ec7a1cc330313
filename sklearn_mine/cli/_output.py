"""The commands' results on stdout: an aligned table, JSON or CSV."""

import csv
import json

__all__ = ["write"]


def _aligned(rows, align):
    """Rows of strings as aligned text; ``align`` holds "<" or ">" per column."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(align))]
    return "\n".join(
        "  ".join(
            f"{cell:{side}{width}}" for cell, side, width in zip(row, align, widths)
        ).rstrip()
        for row in rows
    )


def write(result, args, n_rows, out):
    """The result in ``args.format`` on ``out``.

    A joint result (``estimate --joint``, ``test``) is one dict, which carries
    the target column(s), the objective and the row count besides the
    estimate or the test; a per-feature result is a list of dicts, one per
    feature, highest first.
    """
    if args.format == "json":
        print(json.dumps(result, indent=2), file=out)
        return
    if args.format == "csv":
        records = [result] if isinstance(result, dict) else result
        # One cell for each list of columns, whose names may hold commas.
        records = [
            {
                key: ";".join(value) if isinstance(value, list) else value
                for key, value in record.items()
            }
            for record in records
        ]
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return
    if args.command == "test":
        _write_test(result, args, n_rows, out)
        return
    print(
        f"{args.file}: mutual information with {', '.join(args.target)}, in nats "
        f"(objective {args.objective}, {n_rows} rows)",
        file=out,
    )
    if args.joint:
        rows = [
            ["features", ", ".join(result["features"]) + " (jointly)"],
            ["mutual_info", f"{result['mutual_info']:.4f}"],
            ["standard_error", f"{result['standard_error']:.4f}"],
            ["95% interval", f"{result['ci_low']:.4f} to {result['ci_high']:.4f}"],
        ]
        if "pvalue" in result:
            rows.append(["pvalue", f"{result['pvalue']:.4f}"])
        print(_aligned(rows, "<<"), file=out)
        return
    test = "pvalue" in result[0]
    rows = [["rank", "feature", "mutual_info", "standard_error"] + ["pvalue"] * test]
    rows += [
        [
            str(row["rank"]),
            row["feature"],
            f"{row['mutual_info']:.4f}",
            f"{row['standard_error']:.4f}",
        ]
        + ([f"{row['pvalue']:.4f}"] if test else [])
        for row in result
    ]
    print(_aligned(rows, "><>>" + ">" * test), file=out)


def _write_test(result, args, n_rows, out):
    """The ``test`` command's result as a table."""
    print(
        f"{args.file}: test of independence from {', '.join(args.target)} "
        f"(objective {args.objective}, {n_rows} rows)",
        file=out,
    )
    rows = [
        ["features", ", ".join(result["features"]) + " (jointly)"],
        ["method", result["method"]],
        *([["n_splits", str(result["n_splits"])]] if "n_splits" in result else []),
        ["n_permutations", str(result["n_permutations"])],
        ["statistic", f"{result['statistic']:.4f} nats"],
        ["pvalue", f"{result['pvalue']:.4f}"],
    ]
    print(_aligned(rows, "<<"), file=out)
