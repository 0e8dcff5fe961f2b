"""Build the demo export: ``make demo`` (or ``python demo/build.py [FILE]``).

Creates a throwaway site in a temporary folder, writes the demo into it
through Dateline's actions (articles, two years of discussion, the
moderation queue's examples: ``loader.py``), and exports it to
``demo/dateline-demo.jsonl.gz``, which ``make run`` restores with its times
moved to now. Run it again after changing the demo's content.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "dateline-demo.jsonl.gz"


def main() -> None:
    output = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else OUTPUT
    # ``demo`` as a package from the repository, not its files as modules.
    sys.path[:] = [str(HERE.parent)] + [
        p for p in sys.path if Path(p or ".").resolve() != HERE
    ]
    with tempfile.TemporaryDirectory(prefix="dateline-demo-") as folder:
        os.environ["DATELINE_DATA_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)  # the embedded default, always
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        # Live vote counts are written at once, not by a timer thread that
        # would find the temporary folder gone.
        settings.DATELINE_LIVE_VOTES_SECONDS = 0

        from dateline.importers import export
        from demo.loader import load_demo

        call_command("migrate", interactive=False, verbosity=0)
        print("Writing the demo (about a minute)...", flush=True)
        load_demo()
        done = export.export_to(output)
    print(f"Wrote {output}: " + ", ".join(f"{n} {k}" for k, n in done.counts.items()))


if __name__ == "__main__":
    main()
