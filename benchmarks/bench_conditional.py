"""Conditional mutual information and conditional independence (docs/conditional.md).

Four sections (``--sections`` picks some); each appends one JSON line per
trial to its records file, ``DIR/conditional_SECTION.jsonl`` (so that runs
can be split with ``--shard I/K``, resumed, and read again), and
``--report`` prints the markdown tables of the records. ``DIR`` is
``--records DIR``, else ``$SKLEARN_MINE_BENCH_RECORDS``, else
``benchmarks/records/`` (ignored by git); the reports the docs cite are in
``benchmarks/results/conditional_*.md``, each with the command and commit
that made it.

- ``estimation``: I(X; Y | Z) at n = 5000 on the suite of
  ``sklearn_mine.datasets``' samplers with a known truth, over ``--seeds``
  data seeds: ``MINEEstimator().fit(X, y, Z=Z)`` (the chain rule,
  I([X, Z]; Y) - I(Z; Y), what the package ships), ``mutual_info_mine(X, y,
  Z=Z)`` (the same with the grouped critics), the direct conditional bound
  (one critic of (x, z, y), trained against triples whose y is resampled
  among the 5 nearest neighbours in Z: the candidate the chain rule was
  measured against) and ennemi's k-nearest-neighbour estimator (k = 3, its
  default).
- ``size``: the rejection rate at alpha = 0.05 on null families (a common
  cause, a chain, non-linear), ``--datasets`` data sets each:
  ``conditional_independence_test`` beside FisherZ, KCI, RCIT and FastKCI
  (causal-learn, their defaults) and CMIknn (tigramite, its defaults, one
  worker).
- ``power``: the same tests on non-linear families with X and Y dependent
  given Z, at n = 500 and 1000. Four of the families (``make_critic_only``:
  a sine, a circle, the XOR of two signs, a flipping skewness, each given
  Z) are built for dependence the closed forms miss; their null twins are
  in ``size``.
- ``pc``: causal-learn's PC on non-linear structural equation models of
  6-10 variables, with this package's test (``register_causal_learn_test``;
  method ``mine`` its default convex critics, ``mine-concat`` the MLPs),
  KCI and FisherZ: the skeleton's F1 and the seconds (a method named
  ``NAME@LEVEL``, e.g. ``kci@0.025``, runs its tests at that level rather
  than 0.05: a liberal test's skeleton at the level where its size is the
  others'). For this package's
  methods, each true edge the skeleton misses is recorded with the
  separating set PC found, the test's p-value there and each of its three
  statistics' alone, KCI's p-value on the same triple, and the share of
  X's and of y's variance a linear fit on the set explains (R^2): what
  separated it, and whether KCI would have.

Every process is held to one thread (torch's, and the BLAS's through
``OMP_NUM_THREADS=1`` in the environment), so that two shards can run side
by side on two cores. The comparison packages are in the ``conditional``
extra (``pip install -e ".[conditional]"``).

Usage::

    python benchmarks/bench_conditional.py --sections estimation size ...
        [--records DIR] [--shard I/K] [--seeds N] [--datasets N]
        [--convex NAME=VALUE ...]
    python benchmarks/bench_conditional.py --report [FILE ...] [--records DIR]
    python benchmarks/bench_conditional.py --quick

``--convex`` sets the convex critics' settings (``CONVEX_SETTINGS``) for
the run, e.g. ``x_features_given_z=True``; the records do not name them,
so such a run writes its own ``--records DIR``.

``--quick`` is a smoke run: every section on its first case or family, one
seed or data set, n = 1000 for estimation and 200 for size and power, PC on
one graph of 3 nodes and 200 samples, the package's conditional test with 19
permutations of at most 100 steps; then the report, from records in a
temporary directory.
"""

import argparse
import json
import math
import time
import warnings
from functools import partial

import numpy as np
import torch
from common.internals import (
    CONVEX_SETTINGS,
    min_pvalue_combination,
    neighbour_table,
    permutation_pvalues,
)
from common.options import parse_overrides
from common.records import append_record, read_records, records_dir
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import QuantileTransformer

from sklearn_mine import (
    MINEEstimator,
    conditional_independence_test,
    independence_test,
    mutual_info_mine,
    register_causal_learn_test,
)
from sklearn_mine.datasets import (
    make_chain,
    make_collider,
    make_common_cause,
    make_conditional_gaussian,
)

ALPHA = 0.05
# Settings of this package's conditional test other than its defaults, in
# the size, power and PC sections (--quick: fewer and shorter critics).
MINE_TEST = {}
# PC's methods that run the conditional test, and its settings: "mine" the
# test's default (convex) critics, "mine-concat" the MLP critics, "mine-49"
# the default critics, 49 of them on permuted copies instead of 99 (the
# lever of fewer critics: docs/conditional.md, "Limits").
PC_MINE = {
    "mine": dict(critic="convex"),
    "mine-concat": dict(critic="concat"),
    "mine-49": dict(critic="convex", n_permutations=49),
}
QUICK_MINE_TEST = dict(n_permutations=19, max_steps=100)
# A section's records file in the records directory (see common.records).
RECORDS = "conditional_{section}.jsonl"

# ------------------------------------------------------------------ families

# name: (sampler, its parameters, non-linear)
ESTIMATION_CASES = {
    "gaussian rho=0.5, d_z=1": (make_conditional_gaussian, dict(rho=0.5), False),
    "gaussian rho=0.8, d_z=3": (
        make_conditional_gaussian,
        dict(rho=0.8, dim_z=3),
        False,
    ),
    "common cause rho=0, d_z=1": (make_common_cause, dict(rho=0.0), True),
    "common cause rho=0.6, d_z=1": (make_common_cause, dict(rho=0.6), True),
    "common cause rho=0.6, d_z=3": (make_common_cause, dict(rho=0.6, dim_z=3), True),
    "common cause rho=0.8, d_z=10": (
        make_common_cause,
        dict(rho=0.8, dim_z=10),
        True,
    ),
    "chain d_z=1": (make_chain, dict(), True),
    "chain d_z=5": (make_chain, dict(dim_z=5), True),
    "collider linear d_z=1": (make_collider, dict(), False),
    "collider non-linear d_z=1": (make_collider, dict(nonlinear=True), True),
}


def make_critic_only(n, random_state=None, kind="sine", dependent=True):
    """A conditional family whose dependence beyond Z the closed forms miss.

    Z is one Gaussian column and X depends on it; y depends on Z and on X
    through ``kind``. The null twin (``dependent=False``) computes y from an
    independent copy of X drawn given the same Z, so that X and y keep
    their dependence on Z and their margins, and X is independent of y given
    Z. Returns X, y, Z and None (no closed-form truth).

    ``kind``: ``"sine"``, y = Z + sin(5 X) + noise; ``"circle"``, X - Z and
    y - Z the cosine and sine of one angle; ``"xor"``, a 2-D X whose signs'
    XOR moves y's mean; ``"skewness"``, y's skewness given Z takes the sign
    of X - Z.
    """
    rng = np.random.RandomState(random_state)
    z = rng.standard_normal(n)

    def draw():
        # X given Z, and what y reads of it.
        if kind == "circle":
            angle = rng.uniform(0, 2 * np.pi, n)
            x = z + np.cos(angle) + 0.2 * rng.standard_normal(n)
            return x[:, None], np.sin(angle)
        if kind == "xor":
            x = np.column_stack([z + rng.standard_normal(n), rng.standard_normal(n)])
            return x, 0.8 * np.sign((x[:, 0] - z) * x[:, 1])
        x = z + rng.standard_normal(n)
        if kind == "sine":
            return x[:, None], np.sin(5 * x)
        if kind == "skewness":
            skewed = (rng.chisquare(1, n) - 1) / np.sqrt(2)
            return x[:, None], np.sign(x - z) * skewed
        raise ValueError(kind)

    X, signal = draw()
    if not dependent:
        _, signal = draw()
    noise = 0.0 if kind == "skewness" else 0.4 * rng.standard_normal(n)
    return X, z + signal + noise, z[:, None], None


# The null families of the size section, and the dependent ones of power.
NULL_FAMILIES = {
    "common cause d_z=1": (make_common_cause, dict(rho=0.0)),
    "chain d_z=1": (make_chain, dict()),
    "common cause d_z=3": (make_common_cause, dict(rho=0.0, dim_z=3)),
}
POWER_FAMILIES = {
    "common cause rho=0.3, d_z=1": (make_common_cause, dict(rho=0.3)),
    "common cause rho=0.4, d_z=3": (make_common_cause, dict(rho=0.4, dim_z=3)),
    "collider non-linear d_z=1": (make_collider, dict(nonlinear=True)),
}
# Issue 42's families that only a learned statistic should see given Z, and
# their null twins (make_critic_only's docstring).
CRITIC_ONLY_KINDS = ("sine", "circle", "xor", "skewness")
NULL_FAMILIES.update(
    {
        f"{kind} given Z, null twin": (
            make_critic_only,
            dict(kind=kind, dependent=False),
        )
        for kind in CRITIC_ONLY_KINDS
    }
)
POWER_FAMILIES.update(
    {
        f"{kind} given Z": (make_critic_only, dict(kind=kind))
        for kind in CRITIC_ONLY_KINDS
    }
)


def _draw(sampler, params, n, seed):
    X, y, Z, truth = sampler(n, random_state=seed, **params)
    return X, y, Z.reshape(len(Z), -1), None if truth is None else float(truth)


# ---------------------------------------------------------------- estimators


def _chain_rule(X, y, Z, seed):
    return MINEEstimator(random_state=seed).fit(X, y, Z=Z).mutual_info_


def _grouped(X, y, Z, seed):
    return float(mutual_info_mine(X, y, Z=Z, random_state=seed)[0])


def _ennemi(X, y, Z, seed):
    import ennemi

    return float(np.ravel(ennemi.estimate_mi(y, X[:, 0], cond=Z))[0])


def _direct(X, y, Z, seed, *, hidden=64, layers=4, lr=4e-3, batch=1024):
    """The direct conditional bound: one critic t(x, z, y), DV against the
    triples (x_i, z_i, y_k) with k among the 5 rows nearest to i in Z.

    The estimator's optimiser, widths, batch, weight averaging and early
    stopping on a held-out 30 %, in a plain torch loop: the marginal draws
    need a neighbour table of each split, which MINEEstimator's batches do
    not have.
    """
    rng = np.random.RandomState(seed)
    torch.manual_seed(seed)
    data = np.column_stack([X, Z, y])
    data = QuantileTransformer(output_distribution="normal").fit_transform(data)
    n = len(data)
    order = rng.permutation(n)
    n_valid = int(0.3 * n)
    parts = {"train": order[n_valid:], "valid": order[:n_valid]}
    d_z = Z.shape[1]
    tensors, tables = {}, {}
    for name, rows in parts.items():
        tensors[name] = torch.as_tensor(data[rows], dtype=torch.float32)
        # Neighbours other than the row itself, within the split.
        table = neighbour_table(data[rows, X.shape[1] : X.shape[1] + d_z], 6)[:, 1:]
        tables[name] = torch.as_tensor(table)
    width = data.shape[1]
    sizes = [width] + [hidden] * layers
    modules = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        modules += [torch.nn.Linear(a, b), torch.nn.ELU()]
    critic = torch.nn.Sequential(*modules, torch.nn.Linear(hidden, 1))
    average = torch.optim.swa_utils.AveragedModel(
        critic, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.99)
    )
    optimizer = torch.optim.Adam(critic.parameters(), lr=lr)

    def marginal(name, size, generator):
        table = tables[name]
        J = torch.randint(len(table), (size,), generator=generator)
        K = table[J, torch.randint(table.shape[1], (size,), generator=generator)]
        rows = tensors[name]
        return torch.cat([rows[J, :-1], rows[K, -1:]], dim=1)

    def dv(model, joint, marg):
        t_joint = model(joint).squeeze(-1)
        t_marg = model(marg).squeeze(-1)
        return t_joint.mean() - (torch.logsumexp(t_marg, 0) - math.log(len(t_marg)))

    generator = torch.Generator().manual_seed(seed)
    valid_generator = torch.Generator().manual_seed(seed + 1)
    valid_marginal = marginal("valid", 10 * n_valid, valid_generator)
    ema, best, misses = None, -np.inf, 0
    train = tensors["train"]
    for step in range(1, 5001):
        joint = train[torch.randint(len(train), (batch,), generator=generator)]
        marg = marginal("train", batch, generator)
        t_joint = critic(joint).squeeze(-1)
        exp_marg = torch.exp(critic(marg).squeeze(-1)).mean()
        # MINE's moving average of the denominator, as objective="mine".
        ema = (
            exp_marg.detach() if ema is None else 0.99 * ema + 0.01 * exp_marg.detach()
        )
        loss = -(t_joint.mean() - exp_marg / ema)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        average.update_parameters(critic)
        if step % 100 == 0:
            with torch.no_grad():
                value = float(dv(average.module, tensors["valid"], valid_marginal))
            if value > best:
                best, misses = value, 0
            else:
                misses += 1
                if misses >= 5:
                    break
    return best


ESTIMATORS = {
    "chain rule (MINEEstimator)": _chain_rule,
    "chain rule (mutual_info_mine)": _grouped,
    "direct bound": _direct,
    "k-NN (ennemi)": _ennemi,
}

# -------------------------------------------------------------------- tests


def _settings(critic):
    """MINE_TEST for this critic: the convex critics take no steps to cut."""
    if critic == "convex":
        return {k: v for k, v in MINE_TEST.items() if k != "max_steps"}
    return MINE_TEST


def _mine_test(X, y, Z, seed, critic="concat", **params):
    """The test's p-value, and beside it the min-p of its statistics (three,
    four given Z since the interaction statistic) over the critics'
    pairings alone (the alternative combination). ``params``: settings of
    the test beside ``_settings``'."""
    result = conditional_independence_test(
        X, y, Z, random_state=seed, critic=critic, **{**_settings(critic), **params}
    )
    rows = [values[None] for values in result.statistics.values()]
    return {
        "pvalue": result.pvalue,
        "pvalue_minp": float(min_pvalue_combination(*rows)[0]),
        "pvalue_neural": float(permutation_pvalues(rows[0])[0]),
    }


def _causal_learn_test(method):
    def test(X, y, Z, seed):
        from causallearn.utils.cit import CIT

        data = np.column_stack([X, y, Z])
        d_x = X.shape[1]
        conditioning = list(range(d_x + 1, data.shape[1]))
        return float(CIT(data, method)(0, d_x, conditioning))

    return test


def _cmiknn(X, y, Z, seed):
    from tigramite.independence_tests.cmiknn import CMIknn

    np.random.seed(seed)
    test = CMIknn(workers=1, seed=seed)
    return float(test.run_test_raw(X, y[:, None], Z)[1])


TESTS = {
    "MINE (local permutation)": _mine_test,
    "MINE convex (local permutation)": partial(_mine_test, critic="convex"),
    "MINE convex, 49 permutations": partial(
        _mine_test, critic="convex", n_permutations=49
    ),
    "KCI": _causal_learn_test("kci"),
    "FisherZ": _causal_learn_test("fisherz"),
    "RCIT": _causal_learn_test("rcit"),
    "FastKCI": _causal_learn_test("fastkci"),
    "CMIknn": _cmiknn,
}


# ----------------------------------------------------------------------- PC


def _random_sem(n_nodes, n, seed):
    """A random DAG (about 1.5 parents a node) and n samples of a non-linear SEM.

    Each node is the sum of a random non-linear function of each parent
    (tanh, sine, square, cube-root) plus Gaussian noise, standardised.
    """
    rng = np.random.RandomState(seed)
    p_edge = min(1.0, 3.0 / (n_nodes - 1))
    adjacency = np.triu(rng.random_sample((n_nodes, n_nodes)) < p_edge, 1)
    functions = [
        np.tanh,
        lambda v: np.sin(2 * v),
        lambda v: v**2 - 1,
        np.cbrt,
    ]
    data = np.empty((n, n_nodes))
    for j in range(n_nodes):
        value = 0.5 * rng.standard_normal(n)
        for i in np.flatnonzero(adjacency[:, j]):
            f = functions[rng.randint(len(functions))]
            value += rng.uniform(0.8, 1.5) * f(data[:, i])
        data[:, j] = (value - value.mean()) / value.std()
    return data, adjacency | adjacency.T


def _skeleton_errors(graph, truth):
    """The skeleton's F1, its edges not in the truth and the truth's it lacks."""
    estimated = (graph.G.graph != 0) | (graph.G.graph.T != 0)
    upper = np.triu(np.ones_like(truth, dtype=bool), 1)
    tp = np.sum(estimated & truth & upper)
    fp = np.sum(estimated & ~truth & upper)
    fn = np.sum(~estimated & truth & upper)
    return 2 * tp / max(2 * tp + fp + fn, 1), int(fp), int(fn)


def _pc_level(method):
    """A PC method's test and level: ``"kci@0.025"`` runs KCI's tests at
    0.025, ``"kci"`` at ALPHA."""
    name, _, level = method.partition("@")
    return name, float(level) if level else ALPHA


def _pc(data, method, seed):
    from causallearn.search.ConstraintBased.PC import pc

    name, level = _pc_level(method)
    if name in PC_MINE:
        params = {**_settings(PC_MINE[name]["critic"]), **PC_MINE[name]}
        register_causal_learn_test(name, random_state=seed, **params)
    return pc(data, level, name, show_progress=False)


def _missed_edges(data, truth, graph, method, seed):
    """Each true edge PC's skeleton lacks: its separating set, this
    package's test there (its p-value, and each statistic's alone), KCI's
    p-value, and the R^2 of X and of y on the set (linear)."""
    from causallearn.utils.cit import CIT
    from sklearn.linear_model import LinearRegression

    estimated = (graph.G.graph != 0) | (graph.G.graph.T != 0)
    kci = CIT(data, "kci")
    # The test as _pc registered it, on the query as causal-learn passes it
    # (the lower column first), so that its p-value is the one PC read.
    name, _ = _pc_level(method)
    params = {**_settings(PC_MINE[name]["critic"]), **PC_MINE[name]}
    out = []
    for i, j in zip(*np.nonzero(np.triu(truth & ~estimated, 1))):
        found = graph.sepset[i, j]
        sepset = [int(k) for k in found[0]] if found else []
        row = dict(edge=[int(i), int(j)], sepset=sepset, kci=float(kci(i, j, sepset)))
        if sepset:
            Z = data[:, sepset]
            result = conditional_independence_test(
                data[:, [i]], data[:, j], Z, random_state=seed, **params
            )
            row["r2"] = [
                float(LinearRegression().fit(Z, data[:, k]).score(Z, data[:, k]))
                for k in (i, j)
            ]
        else:
            result = independence_test(
                data[:, [i]],
                data[:, j],
                method="permutation",
                random_state=seed,
                **{k: v for k, v in params.items() if k != "n_neighbors"},
            )
        row["pvalue"] = float(result.pvalue)
        if result.statistics is not None:
            row["statistics"] = {
                name: float(permutation_pvalues(values[None])[0])
                for name, values in result.statistics.items()
            }
        out.append(row)
    return out


# -------------------------------------------------------------------- runner


def _records_files(directory):
    return sorted(directory.glob(RECORDS.format(section="*")))


def _done(directory):
    return {record["key"] for record in read_records(_records_files(directory))}


def _jobs(args):
    """Every trial of the chosen sections, as (key, thunk)."""
    jobs = []
    if "estimation" in args.sections:
        n = 1000 if args.quick else 5000
        cases = list(ESTIMATION_CASES.items())
        for case, (sampler, params, nonlinear) in cases[:1] if args.quick else cases:
            for seed in range(args.seeds):
                for name, estimate in ESTIMATORS.items():

                    def run(
                        sampler=sampler,
                        params=params,
                        seed=seed,
                        f=estimate,
                        nonlinear=nonlinear,
                        case=case,
                        name=name,
                    ):
                        X, y, Z, truth = _draw(sampler, params, n, seed)
                        start = time.perf_counter()
                        value = f(X, y, Z, seed)
                        return dict(
                            section="estimation",
                            case=case,
                            method=name,
                            seed=seed,
                            n=n,
                            truth=truth,
                            estimate=value,
                            nonlinear=nonlinear,
                            seconds=time.perf_counter() - start,
                        )

                    jobs.append((f"estimation|{case}|{name}|{n}|{seed}", run))
    for section, families, sizes in (
        ("size", NULL_FAMILIES, [500]),
        ("power", POWER_FAMILIES, [500, 1000]),
    ):
        if section not in args.sections:
            continue
        count = args.datasets if section == "size" else args.power_datasets
        for family, (sampler, params) in families.items():
            if args.families and family not in args.families:
                continue
            for n in [200] if args.quick else sizes:
                for seed in range(count):
                    for name, test in TESTS.items():
                        if name not in args.tests:
                            continue

                        def run(
                            sampler=sampler,
                            params=params,
                            n=n,
                            seed=seed,
                            test=test,
                            family=family,
                            name=name,
                            section=section,
                        ):
                            X, y, Z, truth = _draw(sampler, params, n, 1000 + seed)
                            start = time.perf_counter()
                            pvalues = test(X, y, Z, seed)
                            seconds = time.perf_counter() - start
                            if not isinstance(pvalues, dict):
                                pvalues = {"pvalue": pvalues}
                            return pvalues | dict(
                                section=section,
                                case=family,
                                method=name,
                                seed=seed,
                                n=n,
                                truth=truth,
                                seconds=seconds,
                            )

                        jobs.append((f"{section}|{family}|{name}|{n}|{seed}", run))
    if "pc" in args.sections:
        for config in args.pc_configs:
            n_nodes, n = (int(v) for v in config.split(":"))
            for seed in range(args.graphs):
                for method in args.pc_methods:

                    def run(n_nodes=n_nodes, n=n, seed=seed, method=method):
                        data, truth = _random_sem(n_nodes, n, seed)
                        start = time.perf_counter()
                        graph = _pc(data, method, seed)
                        f1, extra, missing = _skeleton_errors(graph, truth)
                        seconds = time.perf_counter() - start
                        misses = (
                            _missed_edges(data, truth, graph, method, seed)
                            if _pc_level(method)[0] in PC_MINE
                            else []
                        )
                        return dict(
                            section="pc",
                            case=f"{n_nodes} nodes, n={n}",
                            method=method,
                            seed=seed,
                            n=n,
                            f1=f1,
                            extra=extra,
                            missing=missing,
                            edges=int(truth.sum() // 2),
                            seconds=seconds,
                            misses=misses,
                        )

                    jobs.append((f"pc|{n_nodes}|{n}|{method}|{seed}", run))
    return jobs


def run(args):
    done = _done(args.records)
    index, count = (int(v) for v in args.shard.split("/"))
    jobs = [job for i, job in enumerate(_jobs(args)) if i % count == index]
    for key, thunk in jobs:
        if key in done:
            continue
        record = thunk() | {"key": key}
        append_record(args.records / RECORDS.format(section=record["section"]), record)
        print(json.dumps(record), flush=True)


# -------------------------------------------------------------------- report


def _estimation_report(records):
    rows = [r for r in records if r["section"] == "estimation"]
    if not rows:
        return
    methods = list(dict.fromkeys(r["method"] for r in rows))
    cases = list(dict.fromkeys(r["case"] for r in rows))
    print("\n### Estimates of I(X; Y | Z), n = 5000 (mean over seeds; truth)\n")
    print("| case | truth | " + " | ".join(methods) + " |")
    print("|---|---:|" + "---:|" * len(methods))
    for case in cases:
        cells = []
        truth = next(r["truth"] for r in rows if r["case"] == case)
        for m in methods:
            values = [
                r["estimate"] for r in rows if r["case"] == case and r["method"] == m
            ]
            cells.append(
                f"{np.mean(values):.3f} ± {np.std(values):.3f}" if values else ""
            )
        print(f"| {case} | {truth:.3f} | " + " | ".join(cells) + " |")
    print(
        "\n| method | within 10 % or 0.05 nats | MAE, all | MAE, non-linear | "
        "median seconds |"
    )
    print("|---|---:|---:|---:|---:|")
    for m in methods:
        mine = [r for r in rows if r["method"] == m]
        errors = np.array([abs(r["estimate"] - r["truth"]) for r in mine])
        ok = np.mean(
            [
                abs(r["estimate"] - r["truth"]) <= max(0.1 * r["truth"], 0.05)
                for r in mine
            ]
        )
        nonlinear = [abs(r["estimate"] - r["truth"]) for r in mine if r["nonlinear"]]
        seconds = np.median([r["seconds"] for r in mine])
        print(
            f"| {m} | {ok:.0%} ({len(mine)}) | {errors.mean():.3f} | "
            f"{np.mean(nonlinear):.3f} | {seconds:.1f} |"
        )


# The MINE test's parts, recorded beside its p-value, as columns of their own.
_PARTS = {
    "pvalue_minp": "min-p of its statistics on the critics' pairings",
    "pvalue_neural": "its critic alone",
}


def _rates_report(records, section, title):
    rows = [r for r in records if r["section"] == section]
    for r in list(rows):
        for key, label in _PARTS.items():
            if key in r:
                rows.append(r | {"method": f"{r['method']}: {label}", "pvalue": r[key]})
    if not rows:
        return
    methods = list(dict.fromkeys(r["method"] for r in rows))
    print(f"\n### {title}\n")
    print("| family | n | " + " | ".join(methods) + " |")
    print("|---|---:|" + "---:|" * len(methods))
    cells = sorted(
        {(r["case"], r["n"]) for r in rows},
        key=lambda c: (list(dict.fromkeys(r["case"] for r in rows)).index(c[0]), c[1]),
    )
    for case, n in cells:
        out = []
        for m in methods:
            p = [
                r["pvalue"]
                for r in rows
                if r["case"] == case and r["n"] == n and r["method"] == m
            ]
            out.append(f"{np.mean(np.array(p) <= ALPHA):.3f} ({len(p)})" if p else "")
        print(f"| {case} | {n} | " + " | ".join(out) + " |")
    print("\n| method | median seconds a test |")
    print("|---|---:|")
    for m in methods:
        if ": " in m:  # a part of a test, timed with the test
            continue
        seconds = np.median([r["seconds"] for r in rows if r["method"] == m])
        print(f"| {m} | {seconds:.2f} |")


def _pc_report(records):
    rows = [r for r in records if r["section"] == "pc"]
    if not rows:
        return
    methods = list(dict.fromkeys(r["method"] for r in rows))

    def f1(graphs):
        return (
            f"{np.mean([r['f1'] for r in graphs]):.2f} "
            f"({np.mean([r['seconds'] for r in graphs]):.0f} s, {len(graphs)})"
        )

    def errors(graphs):
        return (
            f"{sum(r['missing'] for r in graphs)} / {sum(r['extra'] for r in graphs)}"
        )

    _pc_table(
        rows,
        methods,
        "PC's skeleton on non-linear SEMs: F1 (seconds), mean over graphs",
        f1,
    )
    # Records from before the error counts have none.
    counted = [r for r in rows if "missing" in r]
    if counted:
        _pc_table(
            counted,
            methods,
            "The skeletons' errors: edges missing / extra, summed over graphs",
            errors,
            edges=True,
        )
    _misses_report([r for r in rows if r.get("misses")])


def _misses_report(rows):
    """The true edges this package's test let PC remove (records since the
    misses were recorded)."""
    if not rows:
        return
    print(
        "\n### The true edges missed: separating set, p-values (this test; "
        "its statistics alone: neural / linear / quadratic, then interaction "
        "where recorded; KCI's), R^2 of X and y on the set\n"
    )
    print("| graphs | method | graph | edge | set | p | statistics | KCI | R^2 |")
    print("|---|---|---:|---|---|---:|---|---:|---|")
    kci_rejects = 0
    for r in rows:
        for m in r["misses"]:
            kci_rejects += m["kci"] <= ALPHA
            stats = m.get("statistics", {})
            parts = " / ".join(
                f"{stats[k]:.2f}"
                for k in ("neural", "linear", "quadratic", "interaction")
                if k in stats
            )
            r2 = " / ".join(f"{v:.2f}" for v in m.get("r2", []))
            print(
                f"| {r['case']} | {r['method']} | {r['seed']} | "
                f"{m['edge'][0]}-{m['edge'][1]} | {m['sepset']} | "
                f"{m['pvalue']:.3f} | {parts} | {m['kci']:.3f} | {r2} |"
            )
    total = sum(len(r["misses"]) for r in rows)
    print(f"\nKCI rejects independence at {ALPHA} on {kci_rejects} of these {total}.")


def _pc_table(rows, methods, title, cell, edges=False):
    """One row a case, one ``cell(graphs)`` a method (blank without graphs)."""
    print(f"\n### {title}\n")
    print("| graphs | " + "true edges | " * edges + " | ".join(methods) + " |")
    print("|---|" + "---:|" * (len(methods) + edges))
    for case in dict.fromkeys(r["case"] for r in rows):
        cells = []
        for m in methods:
            graphs = [r for r in rows if r["case"] == case and r["method"] == m]
            cells.append(cell(graphs) if graphs else "")
        if edges:
            truth = {r["seed"]: r["edges"] for r in rows if r["case"] == case}
            cells.insert(0, str(sum(truth.values())))
        print(f"| {case} | " + " | ".join(cells) + " |")


def report(paths):
    records = read_records(paths)
    _estimation_report(records)
    _rates_report(records, "size", "Size: rejections at alpha = 0.05 under X ⟂ Y | Z")
    _rates_report(records, "power", "Power: rejections at alpha = 0.05")
    _pc_report(records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sections",
        nargs="+",
        default=["estimation"],
        choices=["estimation", "size", "power", "pc"],
    )
    parser.add_argument(
        "--records",
        default=None,
        metavar="DIR",
        help="directory of the raw records, one file a section (see "
        "common.records; --quick: a temporary one)",
    )
    parser.add_argument("--shard", default="0/1")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--datasets", type=int, default=300)
    parser.add_argument("--power-datasets", type=int, default=50)
    parser.add_argument("--graphs", type=int, default=3)
    parser.add_argument("--tests", nargs="+", default=list(TESTS))
    parser.add_argument(
        "--families", nargs="+", help="size and power families (default: all)"
    )
    parser.add_argument(
        "--pc-configs",
        nargs="+",
        default=["6:500", "8:1000", "10:500"],
        help="PC's graphs as NODES:SAMPLES",
    )
    parser.add_argument(
        "--pc-methods",
        nargs="+",
        default=["mine", "kci", "fisherz"],
        help="PC's tests, each as NAME or NAME@LEVEL (its tests' level; 0.05)",
    )
    parser.add_argument("--convex", nargs="+", default=[], metavar="NAME=VALUE")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--report", nargs="*", metavar="FILE")
    args = parser.parse_args()
    CONVEX_SETTINGS.update(parse_overrides(args.convex))
    args.records = records_dir(args.records, quick=args.quick)
    if args.report is not None:
        report(args.report or _records_files(args.records))
        return
    if args.quick:
        args.sections = ["estimation", "size", "power", "pc"]
        args.seeds = args.datasets = args.power_datasets = args.graphs = 1
        args.families = [next(iter(NULL_FAMILIES)), next(iter(POWER_FAMILIES))]
        args.pc_configs = ["3:200"]
        MINE_TEST.update(QUICK_MINE_TEST)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", UserWarning)
    run(args)
    if args.quick:
        report(_records_files(args.records))


if __name__ == "__main__":
    main()
