"""Renamed keywords: the old name keeps working for one release, with a FutureWarning."""

from __future__ import annotations

import warnings

__all__ = ["renamed"]


def renamed(function: str, old: str, old_value, new: str, new_value, *, default=None):
    """The value to use for keyword ``new``, accepting ``old`` with a FutureWarning.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     renamed("f", "n", 3, "top", None, default=6)
    3
    >>> print(caught[0].message)
    f(n=...) is renamed f(top=...); n= will be removed in the next release
    """
    if old_value is None:
        return default if new_value is None else new_value
    if new_value is not None:
        raise TypeError(f"{function}() got both {new}= and its old name {old}=; pass only {new}=")
    warnings.warn(
        f"{function}({old}=...) is renamed {function}({new}=...); {old}= will be removed in the next release",
        FutureWarning,
        stacklevel=3,
    )
    return old_value
