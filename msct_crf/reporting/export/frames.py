"""pandas helpers that also hold for an empty study (no subject, no infusion, no visit yet).

A new study exports before anything is entered, so every reshaping step must work on empty
frames; these are the operations where pandas does not.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["lookup"]


def lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``keys.map(values)`` (each key's value, missing where it has none), keeping the dtype
    of `values`. pandas' own ``map`` casts an empty datetime mapper to float64 and raises
    ("Cannot cast DatetimeArray to dtype float64") on a study with no infusion yet."""
    if values.empty or keys.empty:
        return pd.Series(index=keys.index, dtype=values.dtype)
    return keys.map(values)
