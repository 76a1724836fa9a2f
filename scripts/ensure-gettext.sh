#!/usr/bin/env bash
# The translation tests run GNU gettext (xgettext, msgmerge, msgfmt). Install Debian's `gettext`
# when missing and we may (root or passwordless sudo); otherwise say so plainly.
set -euo pipefail
if command -v xgettext >/dev/null 2>&1 && command -v msgmerge >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
fi
if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1; then
    echo "GNU gettext not found; installing Debian's \`gettext\` package with apt-get..."
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext
else
    echo "The translation tests need GNU gettext (Debian package \`gettext\`): please install it."
    [ "${CI:-}" = "true" ] && exit 1
fi
exit 0
