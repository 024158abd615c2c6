"""Run reports: report.json (model), report.html (self-contained) and comparisons."""
