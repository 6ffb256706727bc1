"""Figure builders: plain functions from frames to ``go.Figure``, tested without a
browser."""
