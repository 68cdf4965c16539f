#!/bin/sh
# Janus in a container (deploy/Dockerfile target "janus"): fill the templates in
# $JANUS_TEMPLATES_DIR (deploy/janus/*.jcfg) from the environment, then run Janus on them.
# The three secrets are required; everything else has a default that suits compose.
# tests/deploy runs this script against Debian's janus.
set -eu

: "${JANUS_ADMIN_SECRET:?set JANUS_ADMIN_SECRET (the application's JANUS_ADMIN_SECRET)}"
: "${JANUS_TOKEN_SECRET:?set JANUS_TOKEN_SECRET (the application's JANUS_TOKEN_SECRET)}"
: "${JANUS_ROOM_ADMIN_KEY:?set JANUS_ROOM_ADMIN_KEY (the application's JANUS_ROOM_ADMIN_KEY)}"

if [ -z "${JANUS_LIB_DIR:-}" ]; then
  for candidate in /usr/lib/*/janus /usr/lib/janus; do
    if [ -e "$candidate/plugins/libjanus_videoroom.so" ]; then JANUS_LIB_DIR=$candidate; break; fi
  done
fi
: "${JANUS_LIB_DIR:?Janus's plugins were not found: set JANUS_LIB_DIR}"
export JANUS_LIB_DIR
export JANUS_TEMPLATES_DIR="${JANUS_TEMPLATES_DIR:-/etc/janus/templates}"
export JANUS_CONFIGS_DIR="${JANUS_CONFIGS_DIR:-/tmp/janus/conf}"
export JANUS_DEBUG_LEVEL="${JANUS_DEBUG_LEVEL:-4}"
export JANUS_RTP_PORT_RANGE="${JANUS_RTP_PORT_RANGE:-20000-20199}"
export JANUS_NAT_1_1_MAPPING="${JANUS_NAT_1_1_MAPPING:-}"
export JANUS_KEEP_PRIVATE_HOST="${JANUS_KEEP_PRIVATE_HOST:-false}"
export JANUS_ICE_ENFORCE_LIST="${JANUS_ICE_ENFORCE_LIST:-}"
export JANUS_BIND_IP="${JANUS_BIND_IP:-0.0.0.0}"
export JANUS_ADMIN_IP="${JANUS_ADMIN_IP:-0.0.0.0}"
export JANUS_HTTP_PORT="${JANUS_HTTP_PORT:-8088}"
export JANUS_ADMIN_PORT="${JANUS_ADMIN_PORT:-7088}"
export JANUS_WS_PORT="${JANUS_WS_PORT:-8188}"

# Only these names are replaced: nothing else in the files looks like a variable to envsubst.
VARIABLES='$JANUS_LIB_DIR $JANUS_CONFIGS_DIR $JANUS_ADMIN_SECRET $JANUS_TOKEN_SECRET $JANUS_ROOM_ADMIN_KEY
$JANUS_DEBUG_LEVEL $JANUS_RTP_PORT_RANGE $JANUS_NAT_1_1_MAPPING $JANUS_KEEP_PRIVATE_HOST $JANUS_ICE_ENFORCE_LIST
$JANUS_BIND_IP $JANUS_ADMIN_IP $JANUS_HTTP_PORT $JANUS_ADMIN_PORT $JANUS_WS_PORT'

mkdir -p "$JANUS_CONFIGS_DIR"
umask 077  # the rendered files hold the secrets
for template in "$JANUS_TEMPLATES_DIR"/*.jcfg; do
  envsubst "$VARIABLES" < "$template" > "$JANUS_CONFIGS_DIR/$(basename "$template")"
done

exec janus --configs-folder="$JANUS_CONFIGS_DIR" --config="$JANUS_CONFIGS_DIR/janus.jcfg" --disable-colors "$@"
