"""Error models: an approximate unit's error as a probability distribution, not a simulation.

``unit_error_pmf``: the probability mass function of ``approximate - exact`` for any unit, over
uniform inputs (exhaustive or Monte Carlo, as :func:`sim.characterize.characterize` chooses).

``count_pmf``: for a popcount plan, the distribution of the approximate count *given the exact
count* ``k``, since a majority-gate tree's error depends on its input (``maj_not`` adds one when
all three inputs are 0 and drops one when all are 1, so it undercounts dense vectors and
overcounts sparse ones). Inputs with ``k`` ones are taken as equally likely. Three methods:

- ``enumerate``: every input vector (up to 20 inputs); exact.
- ``monte_carlo``: ``samples`` random vectors per ``k``.
- ``propagate``: no simulation. The count is ``k`` plus every approximate adder's error
  (``s + 2c - (x + y + z)``, weighted by its column), wrapped like the hardware. Adders that read
  input bits read disjoint triples, so their joint error given ``k`` is computed exactly. For
  deeper adders each wire is given the probability of being 1 that independent inputs would
  give it (inputs ``k/n``), and their errors are taken as independent: an approximation, since
  a sum and a carry of one adder are correlated. ``tests/sim/test_error_model.py`` states how close
  it comes to enumeration.
"""

from dataclasses import dataclass
from itertools import product
from math import comb

import numpy as np

from ..hwgen.errors import InputError
from ..hwgen.fa_variants import node_equations

from .characterize import DEFAULT_SAMPLES, error_samples
from .popcount import popcount

__all__ = ["ErrorPMF", "unit_error_pmf", "count_pmf", "PMF_METHODS", "ENUMERATE_INPUTS"]

PMF_METHODS = ("enumerate", "monte_carlo", "propagate")
ENUMERATE_INPUTS = 20
DEFAULT_COUNT_SAMPLES = 4096  # per exact count


@dataclass(frozen=True)
class ErrorPMF:
    """``P(error == values[i]) == probabilities[i]``, values ascending."""
    values: np.ndarray
    probabilities: np.ndarray

    @property
    def mean(self):
        return float(np.dot(self.values, self.probabilities))

    @property
    def variance(self):
        return float(np.dot((self.values - self.mean) ** 2, self.probabilities))

    @property
    def error_rate(self):
        return float(self.probabilities[self.values != 0].sum())

    def to_dict(self):
        return {"values": self.values.tolist(), "probabilities": self.probabilities.tolist(),
                "mean": self.mean, "variance": self.variance, "error_rate": self.error_rate}


def unit_error_pmf(config, *, samples=DEFAULT_SAMPLES, seed=0):
    """The :class:`ErrorPMF` of ``config`` over uniform inputs (exhaustive when they allow)."""
    counts = {}
    for approximate, exact in error_samples(config, samples=samples, seed=seed)[1]:
        values, hits = np.unique(np.asarray(approximate, dtype=np.int64)
                                 - np.asarray(exact, dtype=np.int64), return_counts=True)
        for value, hit in zip(values.tolist(), hits.tolist()):
            counts[value] = counts.get(value, 0) + hit
    values = np.array(sorted(counts), dtype=np.int64)
    hits = np.array([counts[value] for value in values.tolist()], dtype=np.float64)
    return ErrorPMF(values, hits / hits.sum())


def _histogram(exact, approximate, plan):
    table = np.zeros((plan.n_inputs + 1, 1 << plan.out_width))
    np.add.at(table, (exact, approximate), 1)
    return table / table.sum(axis=1, keepdims=True)


def _enumerated(plan):
    n = plan.n_inputs
    if n > ENUMERATE_INPUTS:
        raise InputError(f"Enumerated popcount width must be at most {ENUMERATE_INPUTS}, "
                         f"not {n}")
    bits = ((np.arange(1 << n, dtype=np.int64)[:, None] >> np.arange(n)) & 1).astype(np.uint8)
    return _histogram(bits.sum(axis=1), popcount(bits, plan=plan), plan)


def _monte_carlo(plan, samples, seed):
    n, rng = plan.n_inputs, np.random.default_rng(seed)
    exact = np.repeat(np.arange(n + 1), samples)
    # A random ranking of the n positions; the k lowest-ranked are the ones.
    ranks = rng.random((exact.size, n)).argsort(axis=1).argsort(axis=1)
    bits = (ranks < exact[:, None]).astype(np.uint8)
    return _histogram(exact, popcount(bits, plan=plan), plan)


def _adder_outcomes(variant, arity):
    """``(inputs, sum, carry)`` for every input of a plan node (no sum reads as 0)."""
    equations = node_equations(variant, arity)
    return [(bits, *((bit or 0) & 1 for bit in equations(*bits)))
            for bits in product((0, 1), repeat=arity)]


def _convolve(first, second):
    """The distribution of the sum of two independent ``{value: probability}`` variables."""
    total = {}
    for a, p in first.items():
        for b, q in second.items():
            total[a + b] = total.get(a + b, 0.0) + p * q
    return total


def _first_level_errors(plan, outcomes):
    """``P(E | k)`` for the approximate adders that read only input bits, as one dict per
    ``k``: exact, since those adders read disjoint inputs (independent bits of probability 1/2
    give every vector with ``k`` ones the same weight)."""
    n = plan.n_inputs
    joint = {(0, 0): 1.0}  # (ones, weighted error) over the inputs seen so far
    seen = 0
    for adder in plan.adders:
        if adder.variant == "exact" or max(adder.inputs) >= n:
            continue
        local = {}
        cases = outcomes[adder.variant, len(adder.inputs)]
        for bits, s, carry in cases:
            key = (sum(bits), (s + 2 * carry - sum(bits)) << adder.column)
            local[key] = local.get(key, 0.0) + 1 / len(cases)
        combined = {}
        for (k, e), p in joint.items():
            for (j, f), q in local.items():
                combined[k + j, e + f] = combined.get((k + j, e + f), 0.0) + p * q
        joint = combined
        seen += len(adder.inputs)
    rows = [{} for _ in range(n + 1)]
    for (ones, error), p in joint.items():
        for extra in range(n - seen + 1):  # the inputs no such adder reads
            weight = p * comb(n - seen, extra) / 2 ** (n - seen)
            row = rows[ones + extra]
            row[error] = row.get(error, 0.0) + weight
    return [{error: p / sum(row.values()) for error, p in row.items()} for row in rows]


def _deeper_errors(plan, k, outcomes):
    """The error distribution of the other approximate adders, for ``k`` ones: each wire is 1
    with the probability its independent inputs give (inputs ``k/n``)."""
    n = plan.n_inputs
    one = np.zeros(plan.n_wires)
    one[:n] = k / n
    for wire, value in plan.constants:
        one[wire] = value
    error = {0: 1.0}
    for adder in plan.adders:
        ones = [one[wire] for wire in adder.inputs]
        local, s1, c1 = {}, 0.0, 0.0
        for bits, s, carry in outcomes[adder.variant, len(adder.inputs)]:
            weight = np.prod([p if bit else 1 - p for p, bit in zip(ones, bits)])
            s1, c1 = s1 + weight * s, c1 + weight * carry
            step = (s + 2 * carry - sum(bits)) << adder.column
            local[step] = local.get(step, 0.0) + weight
        if adder.sum is not None:
            one[adder.sum] = s1
        one[adder.carry] = c1
        if adder.variant != "exact" and max(adder.inputs) >= n:
            error = _convolve(error, local)
    return error


def _propagated(plan):
    kinds = {(adder.variant, len(adder.inputs)) for adder in plan.adders}
    outcomes = {kind: _adder_outcomes(*kind) for kind in kinds}
    first = _first_level_errors(plan, outcomes)
    offset = _constant_offset(plan)
    table = np.zeros((plan.n_inputs + 1, 1 << plan.out_width))
    for k in range(plan.n_inputs + 1):
        for error, p in _convolve(first[k], _deeper_errors(plan, k, outcomes)).items():
            table[k, (k + offset + error) % table.shape[1]] += p
    return table


def _constant_offset(plan):
    """What the plan's constant ones add to every count: each weighs as the column of the
    adder that reads it or the result bit it is (the compensation of a counter plan's mean
    error)."""
    columns = {wire: weight for weight, wire in enumerate(plan.outputs)}
    columns.update({wire: adder.column for adder in plan.adders for wire in adder.inputs})
    return sum(value << columns[wire] for wire, value in plan.constants if value)


def count_pmf(config, *, method=None, samples=DEFAULT_COUNT_SAMPLES, seed=0):
    """``P[k, c]``: the probability that the popcount ``config`` (a
    :class:`~hwgen.config.PopcountConfig`) counts ``c`` when ``k`` of its inputs are 1.

    ``method`` is one of :data:`PMF_METHODS`; by default ``enumerate`` up to
    :data:`ENUMERATE_INPUTS` inputs, else ``monte_carlo`` with ``samples`` vectors per ``k``.
    An XNOR-popcount counts matches, so the same table serves it with ``k`` matches.
    """
    plan = config.plan
    if method is None:
        method = "enumerate" if plan.n_inputs <= ENUMERATE_INPUTS else "monte_carlo"
    if method not in PMF_METHODS:
        raise InputError(f"Count PMF method must be one of {', '.join(PMF_METHODS)}, "
                         f"not {method!r}")
    if config.plan.count("approximate") == 0:
        return np.eye(plan.n_inputs + 1, 1 << plan.out_width)
    if method == "enumerate":
        return _enumerated(plan)
    if method == "monte_carlo":
        return _monte_carlo(plan, samples, seed)
    return _propagated(plan)
