#!/usr/bin/env bash
# A class server as two copies of aeviz behind haproxy, on this machine (Debian: apt-get install -y haproxy).
#   deploy/replicas.sh              then the class opens http://THIS-MACHINE:8500/
# The copies share one folder (live models, the room, saves): a finished model opens on either copy, and when one
# copy dies its students' browsers reconnect to the other. Ctrl-C stops all three processes.
# Ports: AEVIZ_PROXY_PORT (8500), AEVIZ_A_PORT (8601), AEVIZ_B_PORT (8602); the folder: AEVIZ_SHARED (./class-shared).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v haproxy >/dev/null || { echo "haproxy is not installed (Debian: apt-get install -y haproxy)" >&2; exit 2; }

export AEVIZ_PROXY_PORT="${AEVIZ_PROXY_PORT:-8500}" AEVIZ_A_PORT="${AEVIZ_A_PORT:-8601}" AEVIZ_B_PORT="${AEVIZ_B_PORT:-8602}"
shared="${AEVIZ_SHARED:-class-shared}"
mkdir -p "$shared/live" "$shared/user_checkpoints"
export AEVIZ_LIVE_DIR="$shared/live" AEVIZ_USER_CHECKPOINTS="$shared/user_checkpoints"
# one teacher token and one cookie secret for every copy (else a copy would not know the other's teacher)
export AEVIZ_TEACHER_TOKEN="${AEVIZ_TEACHER_TOKEN:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')}"
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}"
export AEVIZ_CLASS_URL="${AEVIZ_CLASS_URL:-}"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
for port in "$AEVIZ_A_PORT" "$AEVIZ_B_PORT"; do
  streamlit run app.py --server.headless true --server.port "$port" --server.address 127.0.0.1 &
  pids+=($!)
done
haproxy -f deploy/haproxy.cfg &
pids+=($!)
echo "aeviz: two copies behind haproxy; the class opens http://<this machine>:$AEVIZ_PROXY_PORT/"
echo "aeviz: the teacher's link: http://localhost:$AEVIZ_PROXY_PORT/lecture?teacher=$AEVIZ_TEACHER_TOKEN"
# a copy that dies leaves the others (and haproxy) running: its students move to them; Ctrl-C stops everything
wait
