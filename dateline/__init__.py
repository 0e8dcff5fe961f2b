"""Dateline: a self-hosted news site with a comment section worth reading."""

__version__ = "0.1.0"
