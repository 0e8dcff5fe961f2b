"""Lighthouse on the demo site, as a phone sees it: ``make audit``.

npm ``lighthouse`` 12.2.3 (the release that runs on Node 20), installed once
into ``var/audit/``, drives Debian's ``/usr/bin/chromium`` in its default mobile
mode (emulated phone, simulated slow 4G and CPU) against the site ``make run``
serves: the home page, the article whose thread is nearest 150 comments, the
profile of the member with the most comments and the sign-in page. Prints
Performance, Accessibility, Best Practices and SEO per page (0-100), and for a
category under 95 the audits that cost it points. Exits 1 when a score is
under 95. Not part of ``make test``; nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

from dateline.testing.processes import dateline_env

ROOT = run.ROOT
FOLDER = ROOT / "var" / "audit"
LIGHTHOUSE = FOLDER / "node_modules" / ".bin" / "lighthouse"
VERSION = "12.2.3"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95

PICK = """
from django.contrib.auth import get_user_model
from django.db.models import Count
from dateline.discussion.models import Thread
threads = Thread.objects.filter(article__live=True).exclude(comment_count=0)
nearest = min(threads, key=lambda t: abs(t.comment_count - 150))
member = get_user_model().objects.annotate(n=Count("comments")).order_by("-n").first()
print(nearest.article.url, nearest.comment_count, member.get_username())
"""


def install() -> None:
    if LIGHTHOUSE.exists():
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    run.log(f"installing lighthouse@{VERSION} into {FOLDER}")
    subprocess.run(
        [
            "npm",
            "install",
            "--exact",
            f"lighthouse@{VERSION}",
            "--prefix",
            str(FOLDER),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ],
        check=True,
    )


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run; a run that fails to record its trace (NO_NAVSTART,
    which Chromium's headless mode gives now and then) is tried again."""
    for attempt in range(1, 4):
        done = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            return json.loads(report.read_text())
        run.log(f"lighthouse failed on {url} (try {attempt}): {done.stderr[-300:]}")
    sys.exit(f"audit: lighthouse could not audit {url}")


def costs(result: dict, category: str) -> list[str]:
    """The audits of ``category`` that did not pass, heaviest first."""
    refs = result["categories"][category]["auditRefs"]
    lost = []
    for ref in sorted(refs, key=lambda r: -r["weight"]):
        audit = result["audits"][ref["id"]]
        if ref["weight"] and audit.get("score") is not None and audit["score"] < 0.9:
            lost.append(f"{ref['id']} ({audit.get('displayValue') or audit['score']})")
    return lost


def main() -> int:
    install()
    data_dir = FOLDER / "site"
    port = run.free_port()
    # Canonical links name the address Lighthouse opens (bootstrap records it).
    env = dateline_env(data_dir, DATELINE_SITE_URL=f"http://127.0.0.1:{port}")
    run.log(f"bootstrapping the demo site in {data_dir}")
    run.run(["manage.py", "bootstrap"], env)
    picked = run.run(["manage.py", "shell", "--no-imports", "-c", PICK], env)
    article, comments, member = picked.strip().splitlines()[-1].split()
    pages = {
        "home": "/",
        f"article ({comments} comments)": article,
        f"profile ({member})": f"/members/{member}/",
        "sign-in": "/accounts/login/",
    }
    failed = False
    with run.server(env, FOLDER / "server.log", port=port) as base:
        print(f"{'page':<28}" + "".join(f"{c:>16}" for c in CATEGORIES))
        for name, path in pages.items():
            result = lighthouse(base + path, FOLDER / f"{name.split()[0]}.json")
            scores = {
                c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES
            }
            print(
                f"{name:<28}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES),
                flush=True,
            )
            for category, score in scores.items():
                if score < TARGET:
                    failed = True
                    print(
                        f"    {category} {score}: " + ", ".join(costs(result, category))
                    )
    print(
        f"reports: {FOLDER}/*.json (open in https://googlechrome.github.io/lighthouse/viewer/)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
