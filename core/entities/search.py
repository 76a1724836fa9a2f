"""Search on core PostgreSQL: character n-grams in a text[] column with a GIN index.

The embedded server ships no pg_trgm, so each record stores the bigrams (and CJK unigrams) of its
names and emails, and blind indexes of its phone digits (phones are encrypted). A query becomes a
set of tokens that must all be present (`search_tokens @> ARRAY[...]`, GIN-indexed); names and
emails are then checked with a plain `icontains` for precision.
"""

from __future__ import annotations

import re

from core.crypto.cipher import blind_index, phone_search_tokens

from .normalize import fold, phone_digits

PHONE_PREFIX = "p:"
MIN_PHONE_QUERY = 4


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def text_tokens(text: str) -> set[str]:
    text = fold(text).replace(" ", "")
    tokens = {text[i:i + 2] for i in range(len(text) - 1)}
    tokens |= {char for char in text if _is_cjk(char)}
    return tokens


def record_tokens(*, texts: list[str], phones: list[str]) -> list[str]:
    tokens: set[str] = set()
    for text in texts:
        tokens |= text_tokens(text)
    for phone in phones:
        tokens |= {PHONE_PREFIX + t[:30] for t in phone_search_tokens(phone_digits(phone))}
    return sorted(tokens)


def query_tokens(query: str) -> tuple[list[str], list[str]]:
    """(text tokens, phone tokens) for a search box query. Phone tokens when it looks like digits."""
    text = fold(query).replace(" ", "")
    if not text:
        return [], []
    digits = re.sub(r"[\s\-+()]", "", text)
    phone: list[str] = []
    if digits.isdigit() and len(digits) >= MIN_PHONE_QUERY:
        if digits.startswith("86") and len(digits) > 11:
            digits = digits[2:]
        phone = [PHONE_PREFIX + blind_index(digits, purpose="phone")[:30]]
    if len(text) == 1:
        return ([text] if _is_cjk(text) else []), phone
    # bigrams only: single characters add no selectivity and skew the planner's row estimate
    return sorted({text[i:i + 2] for i in range(len(text) - 1)}), phone
