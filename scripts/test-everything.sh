#!/usr/bin/env bash
# Installs what the tests need (system packages with apt, npm packages) and runs every test.
# Used as is by .ci/run. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi
if ! command -v ansible-playbook >/dev/null 2>&1; then
  need_apt+=(ansible)
fi
if ! command -v pgrep >/dev/null 2>&1; then
  need_apt+=(procps) # the driver tests check that an emergency stop leaves no process behind
fi
if [[ ! -x /usr/bin/chromium ]]; then
  need_apt+=(chromium) # the console tests drive Debian's Chromium with playwright-core
fi
if ! fc-list :lang=ja 2>/dev/null | grep -q .; then
  need_apt+=(fonts-ipafont-gothic) # so the Japanese screenshots of the console show Japanese, not boxes
fi
if ((${#need_apt[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "The tests need: ${need_apt[*]}. Install them with: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  echo "installing ${need_apt[*]} (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Terraform is not in Debian's archive and this machine may not reach HashiCorp's: it must be
# installed beforehand. The driver tests run the real binary, so say so now instead of failing later.
if ! command -v terraform >/dev/null 2>&1; then
  echo "The tests need the terraform binary on PATH (the Terraform CLI driver runs it for real)." >&2
  echo "Install Terraform (https://developer.hashicorp.com/terraform/install), e.g. unzip terraform_<version>_linux_amd64.zip into /usr/local/bin." >&2
  exit 1
fi

# The manifest tests render deploy/kubernetes with kubectl's built-in Kustomize (v5): not in
# Debian's archive (its kubernetes-client is kubectl 1.20, too old), so it must be installed beforehand.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "The tests need kubectl 1.27 or newer on PATH (test/kubernetes-manifests.test.ts renders the manifests with kubectl kustomize)." >&2
  echo "Install it from the Kubernetes project's packages (https://kubernetes.io/docs/tasks/tools/) or your cloud SDK." >&2
  exit 1
fi

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
npm run typecheck
npm run lint
npm test
