#!/usr/bin/env bash
# Exercise the deployment files (deploy/) on this machine, printing one JSON line per check:
#   - nginx: `nginx -t` on deploy/nginx/thidua.conf in a temporary prefix with a self-signed certificate, then that
#     nginx serving the site on two free loopback ports in front of
#   - gunicorn, started with deploy/systemd/thidua-web.service's ExecStart line (paths and port moved here) on a
#     temporary SQLite database in production mode: pages, the HTTP→HTTPS redirect, static files from nginx,
#     /metrics refused to another address, an upload above the limit refused by nginx;
#   - `systemd-analyze verify` on the units and `systemd-analyze calendar` on the timers (when systemd-analyze
#     exists);
#   - the container image built from deploy/Containerfile when a container daemon answers (else said so).
# The script starts nothing system-wide: its nginx and gunicorn run from a temporary prefix on free loopback ports and
# are stopped, the prefix removed, at the end. nginx, openssl and curl come from Debian when missing
# (scripts/require.sh, as root). Bounded: about 15 s here; 5 minutes at most with a container build.
# Exit 0 when every check that could run passed, 1 otherwise.
# Usage: bash scripts/check_deploy.sh        (after `make venv`)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require.sh

PY=$PWD/.venv/bin/python
if [[ ! -x $PY ]]; then
    echo "check_deploy.sh: $PY not found; run 'make venv' first." >&2
    exit 1
fi
require nginx /usr/sbin/nginx nginx
require openssl /usr/bin/openssl openssl
require curl /usr/bin/curl curl

WORK=$(mktemp -d /tmp/check-deploy.XXXXXX)
GUNICORN_PID=
cleanup() {
    [[ -n $GUNICORN_PID ]] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null
    [[ -f $WORK/nginx.pid ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
    sleep 0.2
    rm -rf "$WORK"
}
trap cleanup EXIT

FAILED=0
# check NAME true|false|not-run DETAIL...: one JSON line ("ok": null when not run); a false one fails the script.
check() {
    local name=$1 ok=$2; shift 2
    "$PY" -c 'import json, sys
print(json.dumps({"check": sys.argv[1], "ok": {"true": True, "false": False}.get(sys.argv[2]),
                  "detail": " ".join(sys.argv[3:])}, ensure_ascii=False))' "$name" "$ok" "$@"
    [[ $ok != false ]] || FAILED=1
}
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
status_of() { curl -sk -o /dev/null --max-time 10 -w '%{http_code}' "$@" || true; }

APP_PORT=$(free_port); HTTP_PORT=$(free_port); HTTPS_PORT=$(free_port)

# --- gunicorn with the unit's ExecStart line ---------------------------------------------------------------------
exec_start=$(sed -n 's/^ExecStart=//p' deploy/systemd/thidua-web.service)
command=${exec_start//\/opt\/thidua\/.venv\/bin\//$PWD/.venv/bin/}
command=${command//127.0.0.1:8000/127.0.0.1:$APP_PORT}
if [[ $command == "$exec_start" || $command != *"127.0.0.1:$APP_PORT"* ]]; then
    check gunicorn-exec-start false "ExecStart no longer has /opt/thidua/.venv/bin/ and 127.0.0.1:8000: $exec_start"
    exit 1
fi
export APP_ENV=production PROXY_COUNT=1 DATABASE_URL="sqlite:///$WORK/app.db" UPLOAD_DIR="$WORK/uploads" \
    AUDIT_CHECKPOINT_FILE="$WORK/audit-checkpoints.jsonl"
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
AUDIT_HMAC_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
export SECRET_KEY AUDIT_HMAC_KEY
.venv/bin/flask --app wsgi db upgrade >"$WORK/migrate.log" 2>&1 \
    || { check database-upgrade false "$(tail -3 "$WORK/migrate.log")"; exit 1; }
# Word splitting is the point: the unit's line is a command with its arguments and no quoting.
# shellcheck disable=SC2086
$command >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 60); do
    [[ $(status_of "http://127.0.0.1:$APP_PORT/login") == 200 ]] && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || break
    sleep 0.5
done
code=$(status_of "http://127.0.0.1:$APP_PORT/login")
check gunicorn-start "$([[ $code == 200 ]] && echo true || echo false)" \
    "${command/$PWD/.} (production, temporary SQLite): GET /login -> $code"

# --- nginx: the site in a temporary prefix -----------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
    -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" 2>/dev/null
mkdir -p "$WORK/acme" "$WORK/logs"
# The site with this machine's paths and ports; every replaced line must be found exactly once.
"$PY" - "$WORK" "$PWD" "$APP_PORT" "$HTTP_PORT" "$HTTPS_PORT" <<'PY' || { check nginx-site false "site drifted"; exit 1; }
import sys
from pathlib import Path

work, root, app, http, https = sys.argv[1:]
site = Path("deploy/nginx/thidua.conf").read_text()
for old, new in {
    "listen 80;": f"listen 127.0.0.1:{http};",
    "listen [::]:80;": "",
    "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
    "listen [::]:443 ssl http2;": "",
    "server 127.0.0.1:8000;": f"server 127.0.0.1:{app};",
    "/etc/ssl/thidua/fullchain.pem": f"{work}/fullchain.pem",
    "/etc/ssl/thidua/privkey.pem": f"{work}/privkey.pem",
    "/opt/thidua/web/static/": f"{root}/web/static/",
    "/var/www/letsencrypt": f"{work}/acme",
}.items():
    if site.count(old) != 1:
        sys.exit(f"deploy/nginx/thidua.conf: {old!r} found {site.count(old)} times")
    site = site.replace(old, new)
Path(work, "thidua.conf").write_text(site)
PY
user_line=
is_root && user_line="user root root;"
cat >"$WORK/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log $WORK/logs/access.log;
    client_body_temp_path $WORK/body;
    proxy_temp_path $WORK/proxy;
    fastcgi_temp_path $WORK/fastcgi;
    uwsgi_temp_path $WORK/uwsgi;
    scgi_temp_path $WORK/scgi;
    include $WORK/thidua.conf;
}
EOF
NGINX=(/usr/sbin/nginx -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/logs/error.log")
if "${NGINX[@]}" -t >"$WORK/nginx-t.log" 2>&1; then
    check nginx-t true "$(/usr/sbin/nginx -v 2>&1): $(grep -c . "$WORK/nginx-t.log") lines, $(grep -ci warn "$WORK/nginx-t.log" || true) warnings"
else
    check nginx-t false "$(tr '\n' ' ' <"$WORK/nginx-t.log")"
    exit 1
fi
"${NGINX[@]}"
sleep 0.5
HTTPS="https://127.0.0.1:$HTTPS_PORT"

code=$(status_of "$HTTPS/login")
check nginx-proxy "$([[ $code == 200 ]] && echo true || echo false)" "GET https /login through nginx -> $code"

hsts=$(curl -sk --max-time 10 -D - -o /dev/null "$HTTPS/login" | grep -ci '^strict-transport-security:' || true)
check production-headers "$([[ $hsts == 1 ]] && echo true || echo false)" "HSTS from the app over https: $hsts"

redirect=$(curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/login?x=1")
check http-redirect "$([[ $redirect == "301 https://127.0.0.1/login?x=1" ]] && echo true || echo false)" \
    "GET http /login?x=1 -> $redirect"

static=$(curl -sk --max-time 10 -D - -o /dev/null "$HTTPS/static/css/app.css")
static_code=$(head -1 <<<"$static" | awk '{print $2}')
from_app=$(grep -ci '^content-security-policy:' <<<"$static" || true)
check static-from-nginx "$([[ $static_code == 200 && $from_app == 0 ]] && echo true || echo false)" \
    "GET /static/css/app.css -> $static_code, app headers: $from_app"

outside=$(status_of --interface 127.0.0.2 "$HTTPS/metrics")
inside=$(status_of "$HTTPS/metrics")
check metrics-denied-outside "$([[ $outside == 403 && $inside != 403 ]] && echo true || echo false)" \
    "GET /metrics from 127.0.0.2 -> $outside; from 127.0.0.1 -> $inside (passed to the app)"

# A body announced one byte above MAX_CONTENT_LENGTH: nginx answers 413 from the header alone.
limit=$("$PY" -c 'from config import BaseConfig; print(BaseConfig.MAX_CONTENT_LENGTH)')
too_big=$(status_of -X POST -H "Content-Length: $((limit + 1))" --data '' "$HTTPS/login")
check upload-limit "$([[ $too_big == 413 ]] && echo true || echo false)" \
    "POST announcing $((limit + 1)) bytes -> $too_big (MAX_CONTENT_LENGTH $limit)"

# --- systemd -----------------------------------------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
    mkdir -p "$WORK/units"
    for unit in deploy/systemd/*.service deploy/systemd/*.timer; do
        sed "s|/opt/thidua/.venv/bin/|$PWD/.venv/bin/|g" "$unit" >"$WORK/units/${unit##*/}"
    done
    if timeout 60 systemd-analyze verify --man=no "$WORK"/units/* >"$WORK/verify.log" 2>&1; then
        check systemd-analyze-verify true "$(ls "$WORK/units" | wc -l) units; $(grep -c . "$WORK/verify.log" || true) remarks"
    else
        check systemd-analyze-verify false "$(tr '\n' ' ' <"$WORK/verify.log" | cut -c1-600)"
    fi
    for timer in deploy/systemd/*.timer; do
        when=$(sed -n 's/^OnCalendar=//p' "$timer")
        if next=$(systemd-analyze calendar "$when" 2>&1 | sed -n 's/^ *Next elapse: //p') && [[ -n $next ]]; then
            check timer-calendar true "${timer##*/}: $when, next $next"
        else
            check timer-calendar false "${timer##*/}: $when is not a calendar expression"
        fi
    done
else
    check systemd-analyze-verify not-run "systemd-analyze is not on this machine"
fi

# --- the container image -----------------------------------------------------------------------------------------
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    if timeout 240 docker build -q -f deploy/Containerfile -t thidua:check . >"$WORK/build.log" 2>&1; then
        user=$(docker image inspect -f '{{.Config.User}}' thidua:check)
        check container-build true "built thidua:check, user $user"
    else
        check container-build false "$(tail -5 "$WORK/build.log" | tr '\n' ' ')"
    fi
else
    check container-build not-run "no container daemon answers here (docker info); build it where one does"
fi

exit "$FAILED"
