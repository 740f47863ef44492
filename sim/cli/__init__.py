"""Command-line entry points (the only place where Hydra is used)."""
