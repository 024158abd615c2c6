"""Environment switches that keep third-party libraries from reaching the network.

Several dependencies read these variables once, at import time (litellm fetches a
price map, tldextract a public-suffix list, chromadb sends telemetry, the Hugging
Face hub looks for model updates). Carepost must start on a machine with no
internet, so the entry points call `apply_offline_defaults()` before anything
imports those libraries. `setdefault` leaves an operator's explicit choice alone.
"""

from __future__ import annotations

import os

OFFLINE_DEFAULTS: dict[str, str] = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
}


def apply_offline_defaults() -> None:
    """Set each offline switch unless the environment already sets it."""
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)
