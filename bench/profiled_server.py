"""`streamlit run app.py` with the first script runs profiled by cProfile (used by `python -m bench --profile`).

    python -m bench.profiled_server OUT_DIR [streamlit options...]     (RPE_WARM_UP=0: no warm-up, shell/warm_up.py)

Each of the first RPE_PROFILE_RUNS script runs (default 1) writes OUT_DIR/run-<n>.prof (pstats) and a line
to OUT_DIR/runs.jsonl with its wall-clock start and end (time.time()) and the modules it imported, so
the benchmark can put the server's work on the same timeline as the browser's.
"""

from __future__ import annotations

import cProfile
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any


def install(out_dir: Path, runs: int) -> None:
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script
    lock = threading.Lock()
    done = [0]

    def profiled(self: Any, rerun_data: Any) -> None:
        with lock:
            number = done[0] + 1
            if number > runs:
                return original(self, rerun_data)
            done[0] = number
        before = set(sys.modules)
        profile = cProfile.Profile()
        started = time.time()
        profile.enable()
        try:
            return original(self, rerun_data)
        finally:
            profile.disable()
            ended = time.time()
            profile.dump_stats(out_dir / f"run-{number}.prof")
            imported = sorted(name.split(".")[0] for name in set(sys.modules) - before)
            top = sorted(set(imported))
            with (out_dir / "runs.jsonl").open("a", encoding="utf-8") as log:
                log.write(
                    json.dumps(
                        {
                            "run": number,
                            "start": started,
                            "end": ended,
                            "page": getattr(rerun_data, "page_script_hash", ""),
                            "new_modules": len(imported),
                            "new_top_level_packages": top,
                        }
                    )
                    + "\n"
                )

    script_runner.ScriptRunner._run_script = profiled


def main() -> None:
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "process.json").write_text(json.dumps({"python_started": time.time()}), encoding="utf-8")
    install(out_dir, int(os.environ.get("RPE_PROFILE_RUNS", "1")))
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", "app.py", *sys.argv[2:]]
    cli.main()


if __name__ == "__main__":
    main()
