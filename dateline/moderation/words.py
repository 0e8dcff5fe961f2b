"""Find banned words and phrases in a comment, through common obfuscations.

Matching is by whole words, so a phrase never matches inside a longer word
("ass" is not found in "assessment", nor a place name that contains a slur).
Before comparing, both the phrase and the comment are reduced to a canonical
form that undoes what writers do to slip past a word list:

- case and accents: ``IdIoT``, ``ídiot``;
- digits and symbols for letters inside a word: ``1d10t``, ``sh!t``, ``@ss``;
- repeated letters: ``stuuupid``;
- letters spaced or dotted apart: ``i d i o t``, ``m.o.r.o.n``;
- letters masked with ``*`` after the first: ``f*ck`` and ``f***`` match
  ``fuck``;
- a plural of the last word: ``idiots``.

Each match keeps the span of the original text it covers, so the queue can
highlight exactly what was found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
}
# A word: letters, digits and the symbols used for letters or masking.
WORD = re.compile(r"[^\W_]+(?:[*@$!|'][^\W_]*)*|[@$][^\W_]+", re.UNICODE)
# Single letters apart: "i d i o t", "m.o.r.o.n", "f-u-c-k" (at least three).
SPACED = re.compile(r"(?<![^\W_])(?:[^\W\d_][ .\-_]){2,}[^\W\d_](?![^\W_])", re.UNICODE)


@dataclass(frozen=True)
class Token:
    text: str  # canonical
    start: int
    end: int

    @property
    def masked(self) -> bool:
        return "*" in self.text


def _fold(text: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def canonical(word: str) -> str:
    """One word as matching compares it."""
    folded = _fold(word).strip("'!")
    if any(c.isalpha() for c in folded):
        folded = "".join(LEET.get(c, c) for c in folded)
    return folded.replace("'", "")


def tokens(text: str) -> list[Token]:
    found: list[Token] = []
    taken: list[tuple[int, int]] = []
    for match in SPACED.finditer(text):
        letters = re.sub(r"[ .\-_]", "", match.group())
        found.append(Token(canonical(letters), match.start(), match.end()))
        taken.append(match.span())
    for match in WORD.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        raw = match.group().rstrip("!'")
        word = raw.lstrip("*")
        if text[match.start() - 1 : match.start()] == "*" or len(word) < len(raw):
            word = word.rstrip("*")  # *emphasis*, not a mask
        if not word.strip("*"):
            continue
        start = match.start() + raw.index(word)
        found.append(Token(canonical(word), start, start + len(word)))
    return sorted(found, key=lambda t: t.start)


@lru_cache(maxsize=4096)
def _mask_pattern(masked: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in masked.split("*")]
    return re.compile("[a-z]+".join(parts) if parts[0] else "$^")


@lru_cache(maxsize=4096)
def _word_pattern(word: str, last: bool) -> re.Pattern[str]:
    """A banned word, each letter possibly repeated ("stuuupid" for "stupid")."""
    runs = [m.group() for m in re.finditer(r"(.)\1*", word)]
    pattern = "".join(f"{re.escape(r[0])}{{{len(r)},}}" for r in runs)
    return re.compile(pattern + ("s?" if last else ""))  # and a plural


def _same(token: Token, word: str, last: bool) -> bool:
    if _word_pattern(word, last).fullmatch(token.text):
        return True
    # "f*ck": the first letter is shown, the stars stand for one or more letters.
    return token.masked and bool(_mask_pattern(token.text).fullmatch(word))


@dataclass(frozen=True)
class Phrase:
    text: str  # as the moderator wrote it
    words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Phrase:
        return cls(text, tuple(t.text for t in tokens(text) if not t.masked))


@dataclass(frozen=True)
class Match:
    phrase: str
    start: int
    end: int


def find(text: str, phrases: Iterable[Phrase]) -> list[Match]:
    """Every place a phrase occurs in ``text`` as whole words."""
    words: Sequence[Token] = tokens(text)
    matches = []
    for phrase in phrases:
        size = len(phrase.words)
        if not size:
            continue
        for i in range(len(words) - size + 1):
            window = words[i : i + size]
            if all(
                _same(t, w, last=j == size - 1)
                for j, (t, w) in enumerate(zip(window, phrase.words, strict=True))
            ):
                matches.append(Match(phrase.text, window[0].start, window[-1].end))
    return sorted(matches, key=lambda m: m.start)
