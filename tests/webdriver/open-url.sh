#!/bin/sh
# The "desktop opener" of the OpenID Connect spec: instead of xdg-open it
# leaves the URL where the spec picks it up and hands it to a real Chromium.
printf '%s' "$1" > "$ABHA_TEST_OPENED_URL.tmp" && mv "$ABHA_TEST_OPENED_URL.tmp" "$ABHA_TEST_OPENED_URL"
