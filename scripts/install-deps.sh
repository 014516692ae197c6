#!/usr/bin/env bash
# Installs the system packages Klaxon's tests and demo run for real: PostgreSQL (store tests, HA),
# Prometheus with promtool, Alertmanager with amtool, the blackbox exporter (a test loads the generated
# config with --config.check), Chromium (the web UI tests drive it with playwright-core) and, when no
# kubectl is on the PATH, kubectl. Debian 12, as root. Safe to run again.
set -euo pipefail

# Node.js is not a Debian package we can use (Debian 12's nodejs is 18): check it and say how to get it.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  echo "install-deps: Klaxon needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "install-deps: install it from NodeSource (https://github.com/nodesource/distributions) or with nvm," >&2
  echo "install-deps: e.g. curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs" >&2
  exit 1
fi

packages=(postgresql prometheus prometheus-alertmanager prometheus-blackbox-exporter openssl chromium)
# A test renders deploy/kubernetes with `kubectl kustomize`. Any kubectl on the PATH will do; only without
# one is Debian's kubernetes-client (kubectl 1.20 with kustomize v2.0.3, which the manifests support) added.
if ! command -v kubectl >/dev/null 2>&1; then
  packages+=(kubernetes-client)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all system packages present (${packages[*]})"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the packages from starting their own services: tests start private instances.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
