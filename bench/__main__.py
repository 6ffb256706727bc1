"""``python -m bench``: every benchmark, one table (see bench/runner.py)."""

from bench.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
