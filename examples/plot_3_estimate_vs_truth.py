"""
Estimate against truth: correlation and dimension
=================================================

MINE beside scikit-learn's ``mutual_info_regression`` (the KSG nearest
neighbour estimator) as the correlation of a bivariate Gaussian grows, then
MINE alone as the dimension grows (KSG in scikit-learn scores one feature at
a time, so it has no joint estimate to compare).
"""

import matplotlib.pyplot as plt
from sklearn.feature_selection import mutual_info_regression

from sklearn_mine import MINEEstimator
from sklearn_mine.datasets import make_gaussian

rhos = [0.2, 0.5, 0.7, 0.85, 0.95]
truth, mine, mine_err, ksg = [], [], [], []
for rho in rhos:
    X, y, mi = make_gaussian(2000, rho=rho, random_state=1)
    est = MINEEstimator(random_state=0).fit(X, y)
    truth.append(mi)
    mine.append(est.mutual_info_)
    mine_err.append(1.96 * est.standard_error_)
    ksg.append(mutual_info_regression(X, y, random_state=0)[0])

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].plot(rhos, truth, "k--", label="truth")
axes[0].errorbar(rhos, mine, yerr=mine_err, marker="o", label="MINE (95 % interval)")
axes[0].plot(rhos, ksg, marker="s", label="KSG (mutual_info_regression)")
axes[0].set_xlabel("correlation rho")
axes[0].set_ylabel("I(X; Y) (nats)")
_ = axes[0].legend()

# %%
# The dimension: X and y each d-dimensional, each coordinate of X correlated
# 0.8 with the same coordinate of y, so the truth grows linearly with d.
dims = [1, 2, 4, 6]
truth_d, mine_d, err_d = [], [], []
for d in dims:
    X, y, mi = make_gaussian(
        4000, n_features_x=d, n_features_y=d, rho=[0.8] * d, random_state=2
    )
    est = MINEEstimator(random_state=0).fit(X, y)
    truth_d.append(mi)
    mine_d.append(est.mutual_info_)
    err_d.append(1.96 * est.standard_error_)
axes[1].plot(dims, truth_d, "k--", label="truth")
axes[1].errorbar(dims, mine_d, yerr=err_d, marker="o", label="MINE")
axes[1].set_xlabel("dimension d of X and of y")
axes[1].set_ylabel("I(X; Y) (nats)")
axes[1].legend()
fig.tight_layout()

for d, t, m in zip(dims, truth_d, mine_d):
    print(f"d = {d}: truth {t:.3f}, MINE {m:.3f}")

# %%
# Both estimators follow the truth along the correlation sweep. Along the
# dimension MINE stays within about 0.1 nats up to d = 4 (2 nats), then falls
# short at d = 6 (3 nats): as the MI grows, the critic needs more data and
# steps to reach the optimum, and a lower bound cannot make up the gap. The
# 95 % interval covers the draw of the held-out pairs only, not that
# shortfall, so at d = 6 it can lie wholly below the truth.
