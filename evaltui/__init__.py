"""evaltui: explore LLM evaluation results in the terminal."""

__version__ = "0.1.0"
