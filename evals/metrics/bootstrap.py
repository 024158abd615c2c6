"""Seeded bootstrap confidence intervals over cases.

A case is the unit of resampling, also for span metrics: spans of one post are
not independent, so a post's counts move together. One set of resamples
(multinomial case weights) serves every metric of a split, which keeps the
intervals of related metrics consistent and makes the whole thing one matrix
product per metric.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Statistic = Callable[[Array], Array]  # (samples, k) summed columns -> (samples,) values


class Resampler:
    def __init__(self, n: int, *, samples: int, seed: int, confidence: float) -> None:
        self.n = n
        self.confidence = confidence
        rng = np.random.default_rng(seed)
        self._weights: Array | None = None
        if samples > 0 and n > 0:
            self._weights = rng.multinomial(n, np.full(n, 1.0 / n), size=samples).astype(np.float64)

    def interval(
        self, columns: Sequence[Sequence[float]], statistic: Statistic
    ) -> tuple[float, float] | None:
        """Percentile interval of `statistic` over resamples; `columns` is one row per case."""
        if self._weights is None:
            return None
        matrix = np.asarray(columns, dtype=np.float64).reshape(self.n, -1)
        values = statistic(self._weights @ matrix)
        tail = (1.0 - self.confidence) / 2
        low, high = np.quantile(values, [tail, 1.0 - tail])
        return float(low), float(high)


def _ratio(num: Array, den: Array, empty: float) -> Array:
    out = np.full(num.shape, empty)
    np.divide(num, den, out=out, where=den > 0)
    return out


def precision(tp: int, fp: int) -> Statistic:
    """Statistic over columns number `tp` and `fp`; 1.0 when nothing was predicted (scoring's rule)."""
    return lambda s: _ratio(s[:, tp], s[:, tp] + s[:, fp], 1.0)


def recall(tp: int, fn: int) -> Statistic:
    return lambda s: _ratio(s[:, tp], s[:, tp] + s[:, fn], 1.0)


def f_beta(tp: int, fp: int, fn: int, beta: float) -> Statistic:
    def stat(s: Array) -> Array:
        p, r = precision(tp, fp)(s), recall(tp, fn)(s)
        b2 = beta * beta
        return _ratio((1 + b2) * p * r, b2 * p + r, 0.0)

    return stat


def span_f_beta(found: int, missed: int, correct: int, false: int, beta: float) -> Statistic:
    """F-beta where recall and precision count different things (gold vs predicted spans)."""

    def stat(s: Array) -> Array:
        p, r = precision(correct, false)(s), recall(found, missed)(s)
        b2 = beta * beta
        return _ratio((1 + b2) * p * r, b2 * p + r, 0.0)

    return stat


def ratio(num: int, den: int) -> Statistic:
    """Sum of column `num` over sum of column `den` (rates over drafts when a case holds several)."""
    return lambda s: _ratio(s[:, num], s[:, den], 0.0)


def mean(column: int, n: int) -> Statistic:
    # multinomial weights sum to n in every resample, so the mean is the sum over n
    return lambda s: s[:, column] / n
