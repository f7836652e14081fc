#!/bin/sh
# Renders the PNG sizes of the application icon from qcowdesk.svg (ImageMagick).
# The PNGs are committed so that builds and installers need no SVG renderer.
set -eu
cd "$(dirname "$0")"
for size in 16 24 32 48 64 128 256 512; do
  # a high density before resizing keeps the rounded corners smooth at every size
  convert -background none -density 384 qcowdesk.svg -resize "${size}x${size}" -depth 8 "PNG32:qcowdesk-$size.png"
done
