"""Programs the tools run in child processes, kept as real files (read with importlib.resources)."""
