"""The course's maintenance tools: ``python -m tools --help``."""
