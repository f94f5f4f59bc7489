"""A shop's own transit times: the 20th-80th percentile once there are enough deliveries."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import quantiles

from .transit import Range

MIN_SAMPLES = 20


def learned_range(samples: Sequence[int], minimum: int = MIN_SAMPLES) -> Range | None:
    """(20th, 80th percentile) of transit days, widened to whole days; None below `minimum`."""
    if len(samples) < max(minimum, 2):
        return None
    cuts = quantiles(sorted(samples), n=5, method="inclusive")
    low, high = max(0, math.floor(cuts[0])), max(0, math.ceil(cuts[3]))
    return low, max(low, high)
