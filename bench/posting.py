"""``make bench``'s POST ratios, from rounds run side by side with the peer.

A ratio to Isso divides two rates measured at different moments, and this
machine's speed drifts: within one hour, Isso's own POST rate here went
from 279 to 443 a second, and Dateline's moved as much. One pass of
Dateline followed minutes later by one of the peer lands on either side of
a target by luck. So the POST ratios come from rounds. Each round posts to
Dateline with the full default moderation, then without the toxicity
scorer (each on a fresh server, once ``/readyz`` says its model is in),
then runs the peer's benchmark (``peer_isso.sh`` with its large thread
left out; its POST phase is at the same concurrency), all within about a
minute. Every other round runs the peer first, so a machine that speeds
up or slows down over the minutes favours neither side. The ratio printed
is the median of the rounds' ratios; each round's rates and ratios are
printed beside it. Five rounds: with three, one slow minute out of three
(Dateline's in-process cost per post varied by half between batches of
posts a minute apart on this machine) moved the median past a target.

BENCH_POST_ROUNDS (5) sets how many rounds; 0 leaves them out, and the
ratios are then those of the single pass before the peer.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable

ROUNDS = int(os.environ.get("BENCH_POST_ROUNDS", "5"))

# (name of the phase, settings for its server) -> posts a second
Post = Callable[[str, dict[str, str]], float]
# the peer's POST rate, measured now (None when the peer failed)
Peer = Callable[[], "float | None"]


def rounds(
    post: Post,
    peer: Peer,
    no_toxicity: dict[str, str],
    emit: Callable[[str, object], None],
    log: Callable[[str], None],
) -> dict[str, float]:
    """The median ratio to the peer of each POST phase, by phase name
    (``post``, ``post_notoxicity``); empty when there are no rounds."""
    rates: dict[str, list[float]] = {"post": [], "post_notoxicity": [], "isso": []}
    for number in range(1, ROUNDS + 1):
        peer_first = number % 2 == 0
        order = "the peer, then Dateline" if peer_first else "Dateline, then the peer"
        log(f"POST round {number} of {ROUNDS}: {order}")
        isso = peer() if peer_first else None
        rates["post"].append(post(f"post_round{number}", {}))
        rates["post_notoxicity"].append(
            post(f"post_notoxicity_round{number}", no_toxicity)
        )
        if not peer_first:
            isso = peer()
        if isso is None:
            log("the peer failed in a POST round; ratios from the single pass")
            return {}
        rates["isso"].append(isso)
    if not rates["isso"]:
        return {}
    emit("post_rounds", len(rates["isso"]))
    for name, values in rates.items():
        emit(f"post_rounds_{name}_rps", ",".join(f"{v:.1f}" for v in values))
    medians = {}
    for name in ("post", "post_notoxicity"):
        pairs = zip(rates[name], rates["isso"], strict=True)
        each = [mine / isso for mine, isso in pairs]
        listed = ",".join(f"{r:.2f}" for r in each)
        emit(f"post_rounds_ratio_{name}_vs_isso", listed)
        medians[name] = statistics.median(each)
    return medians
