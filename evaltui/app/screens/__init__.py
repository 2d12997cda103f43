"""The app's screens: main (prompt table), prompt, plot, export, help, problems."""
