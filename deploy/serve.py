"""Run the app as `streamlit run app.py [options]` does, with its log lines on stderr.

    python -m deploy.serve [streamlit options]      e.g. --server.port 8501 --server.address 127.0.0.1

deploy/start.sh runs each app process this way. The process warms itself up before it answers its first
request (shell/warm_up.py, called by app.py as the server imports it), as under plain `streamlit run`; here
logging is configured so that its "warm-up done" line (or a failure) reaches the process's log.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(REPO / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
