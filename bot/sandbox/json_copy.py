"""A deep copy for JSON-like data, the Bot API objects the model keeps and hands out.

copy.deepcopy keeps a memo and dispatches on every value, which made it the fake Telegram's
largest cost in benchmarks; these objects are trees of dicts, lists and plain values, so a
plain recursive copy gives the same result for a fraction of the work.
"""

import copy
from typing import Any, TypeVar, cast

_T = TypeVar("_T")
# Immutable values shared as they are, as copy.deepcopy shares them.
_ATOMIC = frozenset({str, int, float, bool, type(None)})


def copy_json(value: _T) -> _T:
    """Return a deep copy of JSON-like data, so that nothing in it is shared with value."""
    return cast(_T, _copy(value))


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in _ATOMIC else _copy(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _ATOMIC else _copy(item) for item in value]
    if kind in _ATOMIC:
        return value
    # Anything else (a tuple, a dict subclass) is rare here; copy.deepcopy knows it best.
    return copy.deepcopy(value)
