"""How an app process allocates: Arrow through the C library's malloc (its bundled mimalloc kept ~50 MB of
decoding buffers for good), and deploy.serve running under MALLOC_ARENA_MAX=2, which glibc reads only when
a process starts, so deploy.serve re-executes itself once with it set. RSS itself is measured with the
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
