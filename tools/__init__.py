"""Command-line tools (backfill) that join simulators and the store; not imported by the
app at import time."""
