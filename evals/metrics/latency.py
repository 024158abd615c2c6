"""Latency summaries and histograms (milliseconds)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from evals.report.model import Histogram, Latency

BINS = 20


def histogram(values: Sequence[float], *, unit: str, bins: int = BINS, top: float | None = None) -> Histogram:
    """Equal bins from 0 to `top` (default: the 99th percentile rounded up, so one slow case does not flatten the rest)."""
    if not values:
        return Histogram(unit=unit, edges=[0.0, 1.0], counts=[0])
    arr = np.asarray(values, dtype=np.float64)
    upper = top if top is not None else _nice(max(float(np.quantile(arr, 0.99)), 1e-9))
    edges = np.linspace(0.0, upper, bins + 1)
    counts, _ = np.histogram(arr[arr < upper], bins=edges)
    return Histogram(
        unit=unit,
        edges=[round(float(e), 4) for e in edges],
        counts=[int(c) for c in counts],
        overflow=int((arr >= upper).sum()),
    )


def summarise(seconds: Sequence[float]) -> Latency:
    ms = np.asarray(seconds, dtype=np.float64) * 1000 if seconds else np.zeros(1)
    p50, p90, p99 = (float(np.quantile(ms, q)) for q in (0.5, 0.9, 0.99))
    return Latency(
        p50=round(p50, 3),
        p90=round(p90, 3),
        p99=round(p99, 3),
        max=round(float(ms.max()), 3),
        mean=round(float(ms.mean()), 3),
        histogram=histogram([float(v) for v in ms], unit="ms"),
    )


def _nice(value: float) -> float:
    """Round up to 1, 2 or 5 times a power of ten, so bin edges read well."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10.0**exponent
        if candidate >= value:
            return candidate
    return 10.0 ** (exponent + 1)
