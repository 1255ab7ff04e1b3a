#!/usr/bin/env bash
# The two commands of the README, for a fresh machine:
#   ./dev.sh lab    set up, then open JupyterLab on the quickstart notebook (embedded `local` backend)
#   ./dev.sh test   set up everything the tests need, then run the whole suite
# Also: ./dev.sh setup | bench [cold render scale ...] | lint
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)

log() { printf '\033[1m[sora_widgets]\033[0m %s\n' "$*" >&2; }

python_env() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    "$PY" -m venv "$VENV"
  fi
  if [ ! -f "$STAMP" ]; then
    log "installing the package and its test tools into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".[test]"
    rm -f "$VENV"/.installed-* && touch "$STAMP"
  fi
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

browser() {
  # Debian's chromium: Playwright drives it; `playwright install` cannot download browsers here.
  if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
    log "installing chromium (Debian package) for the browser tests"
    as_root apt-get update -qq || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null \
      || { log "could not install chromium: install it (apt-get install chromium) or set CHROMIUM_PATH"; exit 1; }
  fi
}

node_tools() {
  # Prism mock servers for the contract tests, from the npm registry (package.json).
  if [ ! -x node_modules/.bin/prism ]; then
    command -v npm >/dev/null || { log "npm is missing: install Node.js (apt-get install nodejs npm)"; exit 1; }
    log "installing Prism (npm) for the contract tests"
    npm install --silent --no-audit --no-fund >/dev/null
  fi
}

case "${1:-help}" in
  setup)
    python_env ;;
  lab)
    python_env
    shift || true
    log "starting JupyterLab on notebooks/01_quickstart.ipynb (backend: ${SORA_BACKEND:-local})"
    exec "$VENV/bin/python" -m jupyterlab notebooks/01_quickstart.ipynb \
      --ServerApp.root_dir="$PWD/notebooks" --LabApp.news_url=None \
      --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
      $([ "$(id -u)" = 0 ] && echo --allow-root) "$@" ;;
  lint)
    python_env
    "$VENV/bin/ruff" check sora_widgets tests benchmarks tools
    "$VENV/bin/mypy" ;;
  test)
    python_env; browser; node_tools
    shift || true
    log "lint: ruff + mypy"
    "$VENV/bin/ruff" check sora_widgets tests benchmarks tools
    "$VENV/bin/mypy"
    log "tests: unit, server, contract, browser, reliability (bounded), notebooks (nbval)"
    "$VENV/bin/python" -m pytest -p no:cacheprovider "$@"
    SORA_LOCAL_GENERATION_TIME=${SORA_LOCAL_GENERATION_TIME:-0.5} \
      "$VENV/bin/python" -m pytest -p no:cacheprovider --nbval notebooks/ \
      --nbval-sanitize-with notebooks/sanitize.cfg -p no:randomly ;;
  bench)
    python_env
    shift || true
    exec "$VENV/bin/python" benchmarks/run.py "$@" ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' ;;
esac
