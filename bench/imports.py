"""``make bench``'s import phase: a generated WordPress export, imported.

Writes a WXR 1.2 file of BENCH_IMPORT_N comments (default 50,000) under
BENCH_IMPORT_POSTS posts, threads up to ten levels deep and wpDiscuz votes
on half the comments, then imports it with ``manage.py import_wordpress``
into a fresh site, on SQLite and on a throwaway PostgreSQL, and prints
comments per second and the import process's peak RSS. The text is made
up here, in the uneven style of real comment sections.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
COMMENTS = int(os.environ.get("BENCH_IMPORT_N", "50000"))
POSTS = int(os.environ.get("BENCH_IMPORT_POSTS", "500"))
MAX_DEPTH = 9  # ten levels

WORDS = [
    "ferry",
    "council",
    "strike",
    "budget",
    "harbour",
    "night",
    "shift",
    "bus",
    "fares",
    "school",
    "mayor",
    "report",
    "police",
    "bridge",
    "rain",
    "flooding",
    "tram",
    "vote",
    "minister",
    "union",
    "price",
    "rent",
    "hospital",
    "queue",
    "ward",
    "market",
    "fish",
    "bakery",
    "clinic",
    "road",
    "works",
    "detour",
]
OPENERS = [
    "honestly",
    "Not sure about this but",
    "lol",
    "Agree with the above,",
    "As someone who lives near the harbour,",
    "sorry but",
    "Does anyone know if",
    "Source?",
    "Good reporting.",
    "ok so",
]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(4, 16))
    text = " ".join(words)
    if rng.random() < 0.2:
        text = text.replace(words[0], f"<b>{words[0]}</b>", 1)
    if rng.random() < 0.05:
        text += ' see <a href="https://example.org/notes">this</a>'
    return text


def _body(rng: random.Random) -> str:
    parts = [f"{rng.choice(OPENERS)} {_sentence(rng)}"]
    for _ in range(rng.choices([0, 1, 2, 4], weights=[5, 3, 2, 1])[0]):
        parts.append(_sentence(rng) + rng.choice([".", "!", "?", "...", ""]))
    glue = rng.choice(["\n\n", " ", "\n"])
    return glue.join(parts)


def write_wxr(path: Path, comments: int = COMMENTS, posts: int = POSTS) -> None:
    rng = random.Random(14)  # noqa: S311 - made-up text, not secrets
    per_post = max(1, comments // posts)
    next_id = 1
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n"
        )
        for post in range(posts):
            count = per_post if post < posts - 1 else comments - per_post * post
            out.write(
                f"<item><title>Bench story {post}</title>"
                f"<link>https://bench.example/story-{post}/</link>"
                "<dc:creator>desk</dc:creator>"
                f"<content:encoded><![CDATA[{_body(rng)}\n\n{_body(rng)}]]>"
                "</content:encoded>"
                f"<wp:post_id>{post + 1}</wp:post_id>"
                f"<wp:post_date_gmt>2024-01-{post % 28 + 1:02d} 08:00:00"
                "</wp:post_date_gmt>"
                f"<wp:post_name>story-{post}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
            )
            depth: dict[int, int] = {}
            ids: list[int] = []
            for n in range(count):
                cid = next_id
                next_id += 1
                parent = 0
                if ids and rng.random() < 0.6:
                    parent = rng.choice(ids[-20:])
                    if depth[parent] >= MAX_DEPTH:
                        parent = 0
                depth[cid] = depth[parent] + 1 if parent else 0
                ids.append(cid)
                minute = n % 60
                hour = 9 + n // 60 % 12
                votes = ""
                if n % 2 == 0:
                    up, down = rng.randint(0, 30), rng.randint(0, 8)
                    votes = (
                        "<wp:commentmeta><wp:meta_key>wpdiscuz_votes_seperate"
                        '</wp:meta_key><wp:meta_value><![CDATA[a:2:{s:4:"like";'
                        f'i:{up};s:7:"dislike";i:-{down};}}]]></wp:meta_value>'
                        "</wp:commentmeta>"
                    )
                name = escape(rng.choice(["Sam", "ana k", "Old Salt", "R.", "mo"]))
                out.write(
                    f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
                    f"<wp:comment_author>{name} {cid % 97}</wp:comment_author>"
                    f"<wp:comment_author_email>r{cid % 997}@mail.example"
                    "</wp:comment_author_email>"
                    f"<wp:comment_date_gmt>2024-01-{post % 28 + 1:02d} "
                    f"{hour:02d}:{minute:02d}:{n % 60:02d}</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{_body(rng)}]]>"
                    "</wp:comment_content>"
                    "<wp:comment_approved>1</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    f"<wp:comment_user_id>0</wp:comment_user_id>{votes}</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def measured(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and output of ``python ARGS`` (the bench stops
    with its error output when it fails)."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        assert process.stdout is not None
        out = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"bench: {' '.join(args)} failed:\n{errors.read()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, out


def import_once(
    env: dict[str, str], path: Path, run: Callable[[list[str], dict[str, str]], str]
) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and output of one ``import_wordpress`` run."""
    run(["manage.py", "bootstrap", "--no-demo"], env)  # an empty site
    return measured(["manage.py", "import_wordpress", str(path)], env)


def phase(
    data_dir: Path,
    env_for: Callable[[Path], dict[str, str]],
    run: Callable[[list[str], dict[str, str]], str],
    emit: Callable[[str, object], None],
    log: Callable[[str], None],
    postgres_url: Callable[[], str] | None,
) -> None:
    folder = data_dir / "import"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{COMMENTS}.xml"
    if not path.exists():
        log(f"writing a {COMMENTS}-comment WordPress export")
        write_wxr(path)
    emit("import_wxr_mb", f"{path.stat().st_size / 1e6:.1f}")
    databases = [("sqlite", None)]
    if postgres_url is not None:
        databases.append(("postgresql", postgres_url))
    for name, url in databases:
        site = folder / f"site-{name}"
        shutil.rmtree(site, ignore_errors=True)
        env = env_for(site)
        if url is not None:
            env["DATABASE_URL"] = url()
        else:
            env.pop("DATABASE_URL", None)
        log(f"importing it into a fresh site on {name}")
        seconds, peak_mb, out = import_once(env, path, run)
        done = [line for line in out.splitlines() if " comments in " in line]
        imported = int(done[0].split()[0]) if done else 0
        if imported != COMMENTS:
            sys.exit(f"bench: the import made {imported} comments, not {COMMENTS}")
        emit(f"import_{name}_comments", imported)
        emit(f"import_{name}_seconds", f"{seconds:.1f}")
        emit(f"import_{name}_comments_per_s", f"{imported / seconds:.0f}")
        emit(f"import_{name}_peak_rss_mb", f"{peak_mb:.0f}")
