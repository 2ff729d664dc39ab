#!/usr/bin/env bash
# Run N app processes behind nginx, all on loopback, in the foreground; Ctrl-C or SIGTERM stops everything.
#
#   deploy/start.sh [--processes N] [--port PORT] [--first-app-port P] [--run-dir DIR] [--gzip on|off]
#                   [--host NAME ...]
#
# Each process is `python -m deploy.serve` (streamlit run app.py, warmed up) on 127.0.0.1:P, P+1, ...;
# nginx listens on 127.0.0.1:PORT, pins each browser to one process by a cookie and proxies the
# WebSocket. The nginx config is rendered from deploy/nginx.conf.template into the run folder, which also
# holds nginx's pid, temp folders and the logs (a fresh temp folder unless --run-dir is given).
# Only localhost, 127.0.0.1 and each --host NAME (the public name, e.g. explorer.example.org) are served:
# nginx answers 421 to any other Host header and the app processes get the same server.allowedHosts.
# The processes share nothing but the read-only snapshot files, and one cookie secret so that a browser
# moved to another process (after a restart) is still accepted. PYTHON picks the interpreter.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
NGINX="${NGINX:-nginx}"
PROCESSES=2
PORT=8500
FIRST_APP_PORT=8501
RUN_DIR=""
GZIP=on
HOSTS=(localhost 127.0.0.1)
HOST_ARGS=()

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --processes) PROCESSES="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --first-app-port) FIRST_APP_PORT="$2"; shift 2 ;;
    --run-dir) RUN_DIR="$2"; shift 2 ;;
    --gzip) GZIP="$2"; shift 2 ;;
    --host) HOSTS+=("$2"); HOST_ARGS+=(--host "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "start.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$PROCESSES" in ''|*[!0-9]*|0) echo "start.sh: --processes must be a positive number" >&2; exit 2 ;; esac
command -v "$NGINX" >/dev/null || { echo "start.sh: nginx not found (apt-get install nginx)" >&2; exit 3; }

if [ -z "$RUN_DIR" ]; then
  RUN_DIR="$(mktemp -d -t rpe-deploy-XXXXXX)"
fi
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
for sub in client_body proxy fastcgi uwsgi scgi; do mkdir -p "$RUN_DIR/$sub"; done
WORKER_USER=()
if [ "$(id -u)" = 0 ]; then  # nginx's workers drop root: let them write their temp folders
  WORKER_USER=(--user "nobody nogroup")
  chown nobody:nogroup "$RUN_DIR"/client_body "$RUN_DIR"/proxy "$RUN_DIR"/fastcgi "$RUN_DIR"/uwsgi "$RUN_DIR"/scgi
  chmod 755 "$RUN_DIR"
fi

APP_PIDS=()
NGINX_PID=""
stop_all() {
  trap - EXIT INT TERM
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -TERM "$NGINX_PID" 2>/dev/null || true
  fi
  for pid in "${APP_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do  # up to 10 s for a clean exit, then kill what is left
    alive=0
    for pid in "$NGINX_PID" "${APP_PIDS[@]}"; do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "$NGINX_PID" "${APP_PIDS[@]}"; do
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  echo "start.sh: stopped (logs in $RUN_DIR)"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

SECRET="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')"
ALLOWED=()
for host in "${HOSTS[@]}"; do ALLOWED+=(--server.allowedHosts "$host"); done
BACKENDS=()
cd "$REPO"
for i in $(seq 0 $((PROCESSES - 1))); do
  port=$((FIRST_APP_PORT + i))
  STREAMLIT_SERVER_COOKIE_SECRET="$SECRET" "$PYTHON" -m deploy.serve \
    --server.address 127.0.0.1 --server.port "$port" --server.headless true --browser.gatherUsageStats false \
    "${ALLOWED[@]}" >"$RUN_DIR/app-$port.log" 2>&1 &
  APP_PIDS+=("$!")
  BACKENDS+=(--backend "127.0.0.1:$port")
  echo "start.sh: app process $! on 127.0.0.1:$port"
done

for i in $(seq 0 $((PROCESSES - 1))); do
  port=$((FIRST_APP_PORT + i))
  "$PYTHON" - "$port" "${APP_PIDS[$i]}" <<'EOF' || { echo "start.sh: app on port $port did not start; see $RUN_DIR/app-$port.log" >&2; exit 1; }
import os, sys, time, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            if response.read().strip() == b"ok":
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
done

"$PYTHON" -m deploy.nginx_conf --out "$RUN_DIR/nginx.conf" --run-dir "$RUN_DIR" --listen "127.0.0.1:$PORT" \
  "${BACKENDS[@]}" --gzip "$GZIP" "${WORKER_USER[@]}" "${HOST_ARGS[@]}"
"$NGINX" -t -q -e "$RUN_DIR/error.log" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
"$NGINX" -e "$RUN_DIR/error.log" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -g "daemon off;" &
NGINX_PID=$!
for _ in $(seq 1 100); do
  [ -s "$RUN_DIR/nginx.pid" ] && break
  kill -0 "$NGINX_PID" 2>/dev/null || { echo "start.sh: nginx exited; see $RUN_DIR/error.log" >&2; exit 1; }
  sleep 0.1
done
echo "start.sh: ready at http://127.0.0.1:$PORT/ (${PROCESSES} processes; run folder $RUN_DIR)"

# Stay in the foreground; if nginx or any app process dies, stop the rest and fail.
set +e
wait -n "$NGINX_PID" "${APP_PIDS[@]}"
status=$?
echo "start.sh: a process exited (status $status); stopping" >&2
exit 1
