#!/usr/bin/env bash
# Chromium (headless) and poppler's pdfinfo/pdftotext, for the test that prints the HTML report to PDF as a user would:
#   chromium --headless --no-sandbox --print-to-pdf=report.pdf report.html
#   chromium.sh install   installs the packages when the commands are missing (idempotent).
set -euo pipefail

usage() { echo "usage: $0 install" >&2; exit 2; }

case "${1:-}" in
  install)
    "$(dirname "$0")/apt-install.sh" chromium chromium
    "$(dirname "$0")/apt-install.sh" pdftotext poppler-utils
    ;;
  *) usage ;;
esac
