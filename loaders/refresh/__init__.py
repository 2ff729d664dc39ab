"""The refresh (`python -m loaders.refresh`): fetch the official files, check them, rebuild, compare with
the current snapshot and swap it in only if nothing is lost."""
