"""The Textual app. Only ``evaltui.cli`` imports this package, inside the branch that starts the app."""
