#!/usr/bin/env bash
# Make sure a RabbitMQ answers at AMQP_URI. For the default local broker: start it if it
# is installed but stopped, install it with apt in CI if it is missing, and enable the
# management plugin (tests make a vhost per test through it). Fails with what to do.
set -euo pipefail
uri="${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672//}"
hostport=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.hostname or '127.0.0.1', p.port or 5672)" "$uri")
host=${hostport% *}; port=${hostport#* }

open_port() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { for _ in $(seq 1 120); do open_port "$1" "$2" && return 0; sleep 0.5; done; return 1; }

if ! open_port "$host" "$port"; then
  case "$host" in
    127.0.0.1|localhost)
      if ! command -v rabbitmq-server >/dev/null && [ "${CI:-}" = "true" ] && [ "$(id -u)" = 0 ]; then
        echo "RabbitMQ is not installed; installing it with apt (CI)" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
      fi
      if command -v rabbitmq-server >/dev/null; then
        echo "starting RabbitMQ (rabbitmq-server -detached)" >&2
        rabbitmq-server -detached || true
        wait_port "$host" "$port" || true
      fi ;;
  esac
fi
if ! open_port "$host" "$port"; then
  cat >&2 <<MSG
RabbitMQ is not reachable at AMQP_URI=$uri.
Start it locally with 'rabbitmq-server -detached' (install: 'apt-get install rabbitmq-server'),
or with Docker: 'docker compose up -d rabbitmq', or set AMQP_URI to a running broker.
MSG
  exit 1
fi
# The management API makes test vhosts and applies the unrouted-events policy; the
# Prometheus plugin serves the broker's own metrics (queue depths) on 15692.
# The shovel plugin forwards partners' bus subscriptions to their own brokers.
if { ! open_port "$host" 15672 || ! open_port "$host" 15692 \
     || ! rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_shovel; } \
   && command -v rabbitmq-plugins >/dev/null && { [ "$host" = 127.0.0.1 ] || [ "$host" = localhost ]; }; then
  rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus rabbitmq_shovel rabbitmq_shovel_management \
    >/dev/null 2>&1 || true
  wait_port "$host" 15672 || true
  wait_port "$host" 15692 || true
fi
