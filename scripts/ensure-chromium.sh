#!/usr/bin/env bash
# Make sure the browser tests have a Chromium: Debian's `chromium` package, driven by Playwright.
# Found (GUANXI_CHROMIUM or /usr/bin/chromium): print its version. Missing: install it with apt-get
# when we are root or have passwordless sudo. Otherwise explain; under CI (CI=true) that is an error,
# elsewhere the browser tests are simply skipped.
set -euo pipefail

MESSAGE="Browser tests need Chromium (Debian package \`chromium\`); install it, or they will be skipped"

find_chromium() {
    local candidate
    for candidate in "${GUANXI_CHROMIUM:-}" /usr/bin/chromium; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

report() {
    local binary="$1" version
    version="$("$binary" --version 2>/dev/null || true)"
    echo "Chromium for browser tests: $binary (${version:-version unknown})"
}

if binary="$(find_chromium)"; then
    report "$binary"
    exit 0
fi

SUDO=""
can_install=false
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        can_install=true
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
        can_install=true
    fi
fi

if [ "$can_install" = true ]; then
    echo "Chromium not found; installing Debian's \`chromium\` package with apt-get..."
    if $SUDO apt-get update -qq \
        && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; then
        if binary="$(find_chromium)"; then
            report "$binary"
            exit 0
        fi
    fi
    echo "Installing Chromium with apt-get failed."
fi

echo "$MESSAGE"
if [ "${CI:-}" = "true" ]; then
    exit 1
fi
exit 0
