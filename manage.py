#!/usr/bin/env python
"""Django's command-line utility for Dateline."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    from django.core.management import execute_from_command_line

    from dateline.config import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        sys.exit(f"dateline: {exc}")


if __name__ == "__main__":
    main()
