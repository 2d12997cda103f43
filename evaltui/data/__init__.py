"""The headless data layer: files -> generations -> token lengths -> per-prompt stats.

Nothing under ``evaltui.data`` imports textual, rich or ``evaltui.app`` (a test enforces it).
"""
