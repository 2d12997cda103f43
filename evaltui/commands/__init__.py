"""Headless subcommands other than ``summarize``: one module each (``export``, ``compare``)."""
