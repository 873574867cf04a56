# Sourced by the scripts: find uv and a Python >= 3.12 for it, install uv if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}"
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  echo "uv not found: installing it with pip (user site)…" >&2
  python3 -m pip install --quiet --user uv
fi
if [ -z "${UV_PYTHON:-}" ]; then
  # uv finds Pythons on PATH; also look where pyenv keeps them (3.13 first: the connpass
  # client used by the API tests needs 3.12.2 or newer).
  for candidate in python3.13 python3.12 \
      "$(pyenv root 2>/dev/null)/versions/3.13.0/bin/python3.13" \
      "$HOME/.pyenv/versions/3.13.0/bin/python3.13"; do
    if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      export UV_PYTHON="$path"
      break
    fi
  done
fi
uv sync --frozen --quiet
