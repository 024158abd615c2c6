"""Metrics for eval runs: scores from `evals.scoring` and the target evals, turned into report values.

Every value that summarises cases can carry a bootstrap interval
(`bootstrap.Resampler`); thresholds compare the point values (`thresholds`).
"""
