"""How an app process allocates: Arrow through the C library's malloc (its bundled mimalloc kept ~50 MB of
decoding buffers for good), and deploy.serve running under MALLOC_ARENA_MAX=2, which glibc reads only when
a process starts, so deploy.serve re-executes itself once with it set, with Arrow's C++ default pool on malloc
too and without pyarrow.dataset and the cloud filesystems. RSS itself is measured with the
protocol-load probe in the report of issue 15, not here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import serve

REPO = Path(__file__).resolve().parents[1]


def test_the_app_reads_the_snapshot_through_the_c_librarys_malloc() -> None:
    script = "import shell.snapshot_cache, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "system"


class Executed(Exception):
    pass


def test_serve_re_executes_itself_once_with_two_malloc_arenas(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, list[str]]] = []

    def execv(path: str, argv: list[str]) -> None:
        calls.append((path, argv))
        raise Executed

    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    with pytest.raises(Executed):
        serve.with_few_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "2"  # what the new process image inherits
    assert calls == [(sys.executable, [sys.executable, *sys.orig_argv[1:]])]

    serve.with_few_malloc_arenas()  # the re-executed process: set already, so it runs on
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    serve.with_few_malloc_arenas()  # an operator's own setting is kept
    assert len(calls) == 1 and os.environ["MALLOC_ARENA_MAX"] == "8"


LEAN_READ = """
import pickle, sys
from deploy import serve
serve.lean_arrow()  # as deploy.serve calls it, before anything imports pyarrow
import pyarrow as pa
from loaders.snapshot import read_industry_gva, read_snapshot
snapshot = read_snapshot()
frames = {"indicators": snapshot.indicators, "areas": snapshot.areas, "industry_gva": read_industry_gva()}
maps = open("/proc/self/maps").read()
pickle.dump({
    "frames": frames,
    "pool": pa.default_memory_pool().backend_name,
    "modules": sorted(name for name in ("pyarrow.fs", "pyarrow.parquet", "pyarrow._dataset", "pyarrow._s3fs")
                      if sys.modules.get(name) is not None),
    "s3_library_mapped": "libarrow_s3" in maps,
}, sys.stdout.buffer)
"""


def test_deploy_serve_runs_arrow_on_malloc_without_its_unused_modules() -> None:
    """deploy.serve's lean_arrow: Arrow's C++ default pool is the C library's malloc (not only pyarrow's, which
    shell/snapshot_cache.py sets; not imported here), and pyarrow.dataset and the cloud filesystems are never
    loaded; the snapshot's frames read that way (ParquetFile, without pyarrow.dataset) are the same frames."""
    import pickle

    import pandas as pd

    from loaders.snapshot import read_industry_gva, read_snapshot

    done = subprocess.run([sys.executable, "-c", LEAN_READ], cwd=REPO, capture_output=True, check=True)
    lean = pickle.loads(done.stdout)
    assert lean["pool"] == "system"
    assert lean["modules"] == ["pyarrow.fs", "pyarrow.parquet"] and not lean["s3_library_mapped"]
    snapshot = read_snapshot()
    expected = {"indicators": snapshot.indicators, "areas": snapshot.areas, "industry_gva": read_industry_gva()}
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(lean["frames"][name], frame, check_exact=True, check_categorical=True)
        assert list(lean["frames"][name].dtypes.astype(str)) == list(frame.dtypes.astype(str)), name


def test_lean_arrow_keeps_an_operators_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    loaded = {name: sys.modules.pop(name) for name in serve.UNUSED_ARROW_MODULES if name in sys.modules}
    try:
        serve.lean_arrow()
        assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
        assert all(sys.modules[name] is None for name in serve.UNUSED_ARROW_MODULES)
    finally:  # this test process keeps its modules
        for name in serve.UNUSED_ARROW_MODULES:
            del sys.modules[name]
        sys.modules.update(loaded)
