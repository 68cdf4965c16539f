#!/usr/bin/env bash
# The REST API fuzzed against its own OpenAPI schema (schemathesis), on a running daphne with the demo
# fair, once anonymously and once signed in as the demo buyer. Fails on any server error, any answer
# that breaks the documented schema and any status code the schema does not list.
#
#   tests/security/run_schemathesis.sh            # .ci/run calls it; about two minutes
#   ST_MAX_EXAMPLES=200 tests/security/run_schemathesis.sh   # deeper, slower
#
# Runs on the embedded default (a fresh SQLite file, the in-memory channel layer) unless
# DATABASE_URL / REDIS_URL are set. Needs the dev dependencies (make install).
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
ST=.venv/bin/st
EXAMPLES=${ST_MAX_EXAMPLES:-5}
BUDGET=${ST_MAX_TIME:-45}  # seconds a run, so that CI stays near three minutes
work=$(mktemp -d)
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

export DJANGO_SETTINGS_MODULE=config.settings
export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/schemathesis.sqlite3}
export MEDIA_ROOT=$work/media
export DEBUG=1  # as `make run`: static files from the finders, nothing to collect
export ALLOWED_HOSTS=127.0.0.1,localhost

server=""
cleanup() {
  status=$?
  if [ "$status" -ne 0 ] && [ -f "$work/daphne.log" ]; then
    echo "== the server's log (last 40 lines)"
    tail -n 40 "$work/daphne.log"
  fi
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== schemathesis: migrate, the demo fair, daphne on $base"
$PY manage.py migrate --noinput >/dev/null
$PY manage.py demo_fair >/dev/null
.venv/bin/daphne -b 127.0.0.1 -p "$port" config.asgi:application >"$work/daphne.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$base/healthz" >/dev/null || { cat "$work/daphne.log"; echo "daphne did not start"; exit 1; }

checks=not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance
run() {  # run <label> [st options...]
  local label=$1
  shift
  echo "== schemathesis: $label, at most $EXAMPLES examples an operation"
  $ST run "$base/api/schema/" --url "$base" --checks "$checks" --max-examples "$EXAMPLES" \
    --phases examples,coverage,fuzzing --seed 14 --workers 1 --request-timeout 20 --max-time "$BUDGET" \
    --suppress-health-check all --warnings off --generation-with-security-parameters false "$@"
}

[ -n "${ST_SKIP_ANONYMOUS:-}" ] || run "anonymous"

# Sign in as the demo buyer through the sign-in form, as a browser would; send its session and
# CSRF cookies (and the token header unsafe methods need) with every request.
jar=$work/cookies
read -r email password < <($PY - <<'EOF'
import django
django.setup()
from datasets.demo import DEMO_PASSWORD, demo_logins
print(next(login.email for login in demo_logins() if login.role.lower().startswith("buyer")), DEMO_PASSWORD)
EOF
)
curl -fsS -c "$jar" -b "$jar" "$base/accounts/login/" -o /dev/null
token=$(awk '$6 == "csrftoken" {print $7}' "$jar")
curl -fsS -c "$jar" -b "$jar" -o /dev/null -H "Referer: $base/accounts/login/" \
  --data-urlencode "login=$email" --data-urlencode "password=$password" \
  --data-urlencode "csrfmiddlewaretoken=$token" "$base/accounts/login/"
session=$(awk '$6 == "sessionid" {print $7}' "$jar")
token=$(awk '$6 == "csrftoken" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in as $email"; exit 1; }

run "signed in as $email" -H "Cookie: sessionid=$session; csrftoken=$token" -H "X-CSRFToken: $token" \
  -H "Referer: $base/"
echo "== schemathesis: no server error, no schema violation, every status code documented"
