#!/usr/bin/env bash
# Draws the app icon (a white cross and pulse on a teal rounded square) and writes
# every size Tauri bundles into icons/. Needs ImageMagick 6 (Debian: imagemagick).
set -euo pipefail
cd "$(dirname "$0")/../icons"
IM=/usr/bin/convert
master=$(mktemp --suffix=.png)
trap 'rm -f "$master"' EXIT
"$IM" -size 1024x1024 xc:none \
  -fill '#0f766e' -draw 'roundrectangle 64,64 960,960 190,190' \
  -fill white -draw 'roundrectangle 422,200 602,824 40,40' \
  -fill white -draw 'roundrectangle 200,422 824,602 40,40' \
  -fill none -stroke '#0f766e' -strokewidth 40 -draw "stroke-linejoin round stroke-linecap round path 'M 236,512 L 396,512 L 452,404 L 532,632 L 592,470 L 628,512 L 788,512'" \
  "PNG32:$master"
for size in 32 128; do "$IM" "$master" -resize ${size}x${size} "PNG32:${size}x${size}.png"; done
"$IM" "$master" -resize 256x256 "PNG32:128x128@2x.png"
"$IM" "$master" -resize 512x512 "PNG32:icon.png"
"$IM" "$master" -define icon:auto-resize=256,64,48,32,24,16 icon.ico
