"""Names of organisations and units: how they are stored, and the key that keeps them unique.

A name is trimmed and in Unicode NFC; its key is the name case-folded (Python's str.casefold,
which folds every language, where SQLite's lower() folds ASCII only), so "Nuorisoasema" and
"NUORISOASEMA", or "Ÿ" and "ÿ", are one name within their parent.
"""

from __future__ import annotations

import unicodedata

# The longest name a column holds (models.py: String(200)).
LONGEST_NAME = 200


def clean_name(name: str) -> str:
    """The name as stored: trimmed, in NFC."""
    return unicodedata.normalize("NFC", name).strip()


def name_key(name: str) -> str:
    """The name's unique key: the cleaned name case-folded (NFC again: folding may undo it)."""
    return unicodedata.normalize("NFC", clean_name(name).casefold())
