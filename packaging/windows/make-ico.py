#!/usr/bin/env python3
"""Writes packaging/windows/socketeer.ico from the PNG icons in resources/icons.

The .ico holds each PNG as it is (PNG-in-ICO, read by Windows Vista and
later). Run it again after the PNGs change:
    python3 packaging/windows/make-ico.py
"""
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parents[2]
sizes = [16, 32, 48, 64, 128, 256]
images = [(root / f"resources/icons/socketeer-{size}.png").read_bytes() for size in sizes]

header = struct.pack("<HHH", 0, 1, len(images))
offset = len(header) + 16 * len(images)
directory = b""
for size, data in zip(sizes, images):
    side = 0 if size == 256 else size  # 0 means 256 in an ICONDIRENTRY
    directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
(root / "packaging/windows/socketeer.ico").write_bytes(header + directory + b"".join(images))
