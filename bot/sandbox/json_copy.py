"""A deep copy for JSON-like data, the Bot API objects the model keeps and hands out.

copy.deepcopy walks every value in Python and was the fake Telegram's largest cost in
benchmarks. marshal does the same walk in C: for dicts, lists and plain values its round trip
is a deep copy (shared parts stay shared, as with deepcopy), several times faster.
"""

import copy
import marshal
from typing import Any, TypeVar, cast

_T = TypeVar("_T")


def copy_json(value: _T) -> _T:
    """Return a deep copy of JSON-like data, so that nothing in it is shared with value."""
    data: Any = value  # marshal's stubs list the types it takes; dumps checks them itself
    try:
        return cast(_T, marshal.loads(marshal.dumps(data)))
    except ValueError:
        # marshal takes builtin types only, not subclasses (an enum, an OrderedDict).
        return copy.deepcopy(value)
