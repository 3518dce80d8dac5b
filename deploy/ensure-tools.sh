#!/usr/bin/env bash
# The command-line tools the deployment tests run: Prometheus and promtool (Debian's
# package prometheus; installed with apt when missing and we are root, as in CI) and
# kubectl with its built-in kustomize (part of this kind of machine). Fails with what to do.
set -euo pipefail
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Prometheus and promtool (apt-get install prometheus)" >&2
    { apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }; }
    # the package may start its own server on :9090; the tests run their own
    { command -v service >/dev/null && service prometheus stop >/dev/null 2>&1; } || true
  fi
fi
command -v promtool >/dev/null && command -v prometheus >/dev/null || {
  echo "Prometheus is needed by the monitoring tests: install Debian's package 'prometheus' (apt-get install prometheus)" >&2
  exit 1
}
command -v kubectl >/dev/null || {
  echo "kubectl is needed to render deploy/k8s with kustomize: install kubectl (v1.27 or newer)" >&2
  exit 1
}
# Chromium and ChromeDriver for the browser test (Debian's chromium and chromium-driver).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Chromium and ChromeDriver (apt-get install chromium chromium-driver)" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; }; }
  fi
fi
command -v chromium >/dev/null && command -v chromedriver >/dev/null || {
  echo "Chromium and ChromeDriver are needed by the browser test: install Debian's packages 'chromium' and 'chromium-driver'" >&2
  exit 1
}
