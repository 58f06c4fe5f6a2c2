#!/usr/bin/env bash
# Make sure a Redis server answers on REDIS_URL (default redis://127.0.0.1:6379/0):
# install redis-server from Debian's packages if it is missing, start it
# without persistence if nothing answers. Tests and the load tools need it.
set -euo pipefail

url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
hostport="${url#*://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
host="${hostport%:*}"; port="${hostport##*:}"
[ "$host" = "$port" ] && port=6379
[ -z "$host" ] && host=127.0.0.1

answers() {
  # PING over bash's /dev/tcp, so no client is needed to check.
  exec 3<>"/dev/tcp/$host/$port" 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  local reply
  IFS= read -r -t 2 reply <&3 || { exec 3>&-; return 1; }
  exec 3>&-
  [[ "$reply" == +PONG* || "$reply" == -NOAUTH* ]]
}

if answers; then
  echo "redis: answering on $host:$port"
  exit 0
fi

case "$host" in
  127.0.0.1|localhost|::1) ;;
  *) echo "redis: nothing answers on $host:$port and it is not local; start it or fix REDIS_URL" >&2; exit 1 ;;
esac

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis: redis-server not installed; installing it from Debian's packages"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

echo "redis: starting redis-server on $host:$port (no persistence)"
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
  --dir /tmp --logfile "/tmp/releasebot-redis-$port.log"
for _ in $(seq 1 50); do
  answers && { echo "redis: up"; exit 0; }
  sleep 0.1
done
echo "redis: started but not answering on $host:$port; see /tmp/releasebot-redis-$port.log" >&2
exit 1
