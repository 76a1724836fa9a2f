"""Search on core PostgreSQL: character n-grams in a text[] column with a GIN index.

The embedded server ships no pg_trgm, so each record stores the bigrams (and CJK unigrams) of its
names and emails, and two blind indexes per phone (phones are encrypted): one of the whole number and
one of the last four digits its mask shows (the 5678 of 138****5678). A query becomes a set of tokens
that must all be present (`search_tokens @> ARRAY[...]`, GIN-indexed); names and emails are then
checked with a plain `icontains` for precision.

A phone matches only as the whole number or by those four shown digits, never by any other fragment:
a fragment that can hit the masked middle digits would tell a reader those digits one request at a
time. Which of the two a reader may use at all is decided in core.customization.query_rules
(docs/security.md, "Search, filters and duplicate checks are no oracles").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from core.crypto.cipher import blind_index

from .masking import PHONE_TAIL, shown_phone_tail
from .normalize import fold, normalize_phone

PHONE_EXACT_PREFIX = "pe:"  # blind index of a whole number (E.164)
PHONE_TAIL_PREFIX = "pt:"  # blind index of the last digits the number's mask shows
MIN_WHOLE_NUMBER = 7  # digits: fewer is never a whole number people search by (as the desk's intake)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def text_tokens(text: str) -> set[str]:
    text = fold(text).replace(" ", "")
    tokens = {text[i:i + 2] for i in range(len(text) - 1)}
    tokens |= {char for char in text if _is_cjk(char)}
    return tokens


def phone_exact_token(phone: str) -> str:
    """The token of one whole number, given in E.164 (+8613812345678) as stored and as normalized."""
    return PHONE_EXACT_PREFIX + blind_index(phone, purpose="phone.exact")[:30]


def phone_tail_token(tail: str) -> str:
    """The token of the last four digits of a number (those its mask shows)."""
    return PHONE_TAIL_PREFIX + blind_index(tail, purpose="phone.tail")[:30]


def record_tokens(*, texts: list[str], phones: list[str]) -> list[str]:
    """The search tokens of one record; `phones` in E.164, as the write path stores them."""
    tokens: set[str] = set()
    for text in texts:
        tokens |= text_tokens(text)
    for phone in phones:
        tokens.add(phone_exact_token(phone))
        tail = shown_phone_tail(phone)
        if tail:
            tokens.add(phone_tail_token(tail))
    return sorted(tokens)


@dataclass(frozen=True)
class PhoneQuery:
    """What a search box query means as a phone number: a whole number, the four shown digits, or neither."""

    whole: str | None = None  # E.164
    tail: str | None = None  # four digits

    def tokens(self, *, whole: bool, tail: bool) -> list[str]:
        """The tokens of the kinds a reader may match (any one of them finds a record)."""
        found = []
        if whole and self.whole:
            found.append(phone_exact_token(self.whole))
        if tail and self.tail:
            found.append(phone_tail_token(self.tail))
        return found


def phone_query(query: str) -> PhoneQuery:
    """`query` as a phone search: four digits are a tail (…5678); a valid number is a whole number."""
    text = fold(query)
    digits = re.sub(r"[\s\-+()]", "", text)
    if not digits.isdigit():
        return PhoneQuery()
    tail = digits if len(digits) == PHONE_TAIL else None
    whole = None
    if len(digits) >= MIN_WHOLE_NUMBER:
        candidates = [text] + (["+" + digits] if digits.startswith("86") and len(digits) > 11 else [])
        for candidate in candidates:
            try:
                whole = normalize_phone(candidate)
                break
            except ValidationError:
                continue
    return PhoneQuery(whole=whole, tail=tail)


def text_query_tokens(query: str) -> list[str]:
    """The name and email tokens a search box query needs (all must be present)."""
    text = fold(query).replace(" ", "")
    if len(text) < 2:
        return [text] if text and _is_cjk(text) else []
    # bigrams only: single characters add no selectivity and skew the planner's row estimate
    return sorted({text[i:i + 2] for i in range(len(text) - 1)})
