# Shared by scripts/up, scripts/test, scripts/bench and scripts/fuzz: say what is happening, fail
# loudly, and install what a fresh Debian machine is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages named that are not installed yet; apt-get update runs once.
ensure_debs() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    step "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ ! -f /tmp/.schwab-mcp-apt-updated ]; then
        $sudo apt-get update -qq || die "apt-get update failed"
        touch /tmp/.schwab-mcp-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

# What building the package needs: the system C libraries and pkg-config.
ensure_build_deps() {
    command -v swift >/dev/null || die "swift is not on PATH; install the Swift 6 toolchain first (swift.org)"
    ensure_debs pkg-config libsqlite3-dev libssl-dev libcurl4-openssl-dev
}

# Builds the debug products; SWIFT_BUILD_FLAGS adds flags (say, -c release).
build() {
    step "swift build ${SWIFT_BUILD_FLAGS:-}"
    # shellcheck disable=SC2086
    swift build ${SWIFT_BUILD_FLAGS:-} 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Build|Planning|Wrapping)' >&2 \
        || true
    # shellcheck disable=SC2086
    swift build ${SWIFT_BUILD_FLAGS:-} >/dev/null 2>&1 || { swift build ${SWIFT_BUILD_FLAGS:-}; die "build failed"; }
}

# A Python virtual environment for test and benchmark tools from PyPI, made once.
VENV="$ROOT/.build-venv"
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        step "creating the Python environment in .build-venv"
        python3 -m venv "$VENV" 2>/dev/null || { ensure_debs python3-venv; python3 -m venv "$VENV"; }
    fi
    local wanted=("$@")
    local missing=()
    for req in "${wanted[@]}"; do
        "$VENV/bin/python" -m pip show "${req%%[<>=]*}" >/dev/null 2>&1 || missing+=("$req")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        step "installing Python packages: ${missing[*]}"
        "$VENV/bin/python" -m pip install -q "${missing[@]}" || die "pip install ${missing[*]} failed"
    fi
}
