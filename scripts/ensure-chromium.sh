#!/usr/bin/env bash
# Make sure Debian's headless chromium is installed for the browser tests, then print its path.
# Installs the `chromium` package with apt-get when it is missing (sudo when not root); nothing
# else is downloaded. Exits non-zero with one clear message when it cannot.
set -euo pipefail

found() { command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null; }

if bin=$(found); then
    echo "$bin"
    exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
        echo "ensure-chromium: chromium is missing and this user cannot install it (install Debian's chromium package)" >&2
        exit 1
    fi
fi
echo "ensure-chromium: installing Debian's chromium package for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2 || true
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
if ! bin=$(found); then
    echo "ensure-chromium: apt-get finished but no chromium binary is on PATH" >&2
    exit 1
fi
echo "$bin"
