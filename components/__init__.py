"""Reusable Dash components (no store access, no callbacks)."""
