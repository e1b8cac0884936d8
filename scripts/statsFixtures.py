"""Reference values for Baton's canary statistics (lib/domain/statistics.ts, normalDistribution.ts).

Computed once with SciPy in the project's Python environment and kept as
test/fixtures/statistics.json, which test/unit/statistics.test.ts reads. Regenerate with:

    .baton/venv/bin/python scripts/statsFixtures.py > test/fixtures/statistics.json

Two-proportion rows: the one-sided p-value is scipy.stats.norm.sf of the pooled z, and the
two-sided p-value comes independently from scipy.stats.chi2_contingency(correction=False)
(chi-square with one degree of freedom is z squared), when every expected count is positive.
Mann-Whitney rows: scipy.stats.mannwhitneyu(x, y, alternative='greater', method='asymptotic').
"""

import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

COMMAND = ".baton/venv/bin/python scripts/statsFixtures.py > test/fixtures/statistics.json"


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def proportion_row(name, x1, n1, x2, n2, confidence):
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = 0.0 if se == 0 else (p1 - p2) / se
    one_sided = 1.0 if se == 0 else stats.norm.sf(z)
    q = stats.norm.ppf(1 - (1 - confidence) / 2)
    half = q * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    row = {
        "name": name,
        "challenger": {"events": x1, "trials": n1},
        "champion": {"events": x2, "trials": n2},
        "confidence": confidence,
        "z": z,
        "pValue": num(one_sided),
        "interval": [p1 - p2 - half, p1 - p2 + half],
        "twoSidedChi2": None,
    }
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    if se > 0 and (table.sum(axis=0) > 0).all():
        chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
        row["twoSidedChi2"] = num(p)
    return row


def mwu_row(name, x, y):
    result = stats.mannwhitneyu(x, y, alternative="greater", method="asymptotic")
    return {"name": name, "challenger": x, "champion": y, "u": num(result.statistic), "pValue": num(result.pvalue)}


rng = np.random.default_rng(15)
proportions = [
    proportion_row("clearly higher challenger error rate", 30, 1000, 10, 1000, 0.95),
    proportion_row("equal rates", 5, 100, 5, 100, 0.95),
    proportion_row("challenger better", 2, 5000, 40, 45000, 0.95),
    proportion_row("zero challenger errors", 0, 600, 12, 5400, 0.95),
    proportion_row("zero champion errors", 4, 600, 0, 5400, 0.99),
    proportion_row("both zero errors", 0, 500, 0, 4500, 0.95),
    proportion_row("tiny samples", 1, 3, 0, 4, 0.9),
    proportion_row("one trial each", 1, 1, 0, 1, 0.95),
    proportion_row("small increase, large samples", 560, 100000, 500, 100000, 0.95),
    proportion_row("every call fails on both", 50, 50, 70, 70, 0.95),
]
mwu = [
    mwu_row("challenger clearly slower", [210.0, 230.0, 250.0, 240.0, 220.0], [100.0, 110.0, 120.0, 105.0, 115.0]),
    mwu_row("tiny samples", [3.0, 4.0, 5.0], [1.0, 2.0, 3.0]),
    mwu_row("one value each", [2.0], [1.0]),
    mwu_row("ties across samples", [1.0, 2.0, 2.0, 3.0, 3.0, 3.0], [2.0, 3.0, 3.0, 4.0, 1.0, 1.0]),
    mwu_row("all values tied", [5.0, 5.0, 5.0], [5.0, 5.0]),
    mwu_row("challenger faster", [1.0, 1.5, 2.0, 2.5], [3.0, 3.5, 4.0, 4.5, 5.0]),
    mwu_row("unequal sizes with ties", [0.9, 0.9, 0.91, 0.92], [0.9, 0.93, 0.93, 0.94, 0.95, 0.95, 0.96]),
    mwu_row(
        "thirty minutes of per-minute p99",
        [round(float(v), 1) for v in rng.normal(130, 12, 30)],
        [round(float(v), 1) for v in rng.normal(120, 12, 30)],
    ),
]
normal = [
    {"z": z, "sf": float(stats.norm.sf(z))} for z in [-8.0, -3.5, -1.0, 0.0, 0.5, 1.6448536269514722, 2.9, 3.0, 3.1, 6.0, 10.0]
]
quantiles = [{"p": p, "ppf": float(stats.norm.ppf(p))} for p in [0.001, 0.05, 0.5, 0.9, 0.95, 0.975, 0.995, 0.9999]]

json.dump(
    {
        "producedBy": COMMAND,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "normalSf": normal,
        "normalQuantile": quantiles,
        "twoProportion": proportions,
        "mannWhitney": mwu,
    },
    sys.stdout,
    indent=2,
)
sys.stdout.write("\n")
