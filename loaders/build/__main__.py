"""`python -m loaders.build`: build the snapshot (options in loaders/build/run.py)."""

from loaders.build.run import main

if __name__ == "__main__":
    raise SystemExit(main())
