"""`python -m loaders.refresh`: refresh the snapshot from the official locations (options in
loaders/refresh/run.py)."""

from loaders.refresh.run import main

if __name__ == "__main__":
    raise SystemExit(main())
