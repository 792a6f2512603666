#!/usr/bin/env python3
"""Draws Proofline's icons with the standard library only (no binary tools):
a proof sheet (white frame) with a check mark, on the app's teal.
Run from `public/`: python3 make_icons.py (writes into icons/)"""
import math
import struct
import zlib

TEAL = (15, 118, 110)
WHITE = (250, 250, 249)


def png(path, size, pixels):

    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            row.extend(pixels[y * size + x])
        rows.append(bytes(row))
    data = zlib.compress(b"".join(rows), 9)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def shape(u, v, rounded, inset):
    """Colour at (u, v) in [0, 1): None for transparent."""
    # Background: rounded square (or full bleed for maskable / apple icons).
    if rounded:
        r = 0.22
        cx, cy = min(max(u, r), 1 - r), min(max(v, r), 1 - r)
        if math.hypot(u - cx, v - cy) > r:
            return None
    # Content scaled into the safe zone.
    s = (u - 0.5) / inset + 0.5, (v - 0.5) / inset + 0.5
    x, y = s
    # Proof sheet: a white frame.
    if 0.2 <= x <= 0.8 and 0.16 <= y <= 0.84 and not (0.26 <= x <= 0.74 and 0.22 <= y <= 0.78):
        return WHITE
    # Check mark.
    w = 0.055
    if seg_dist(x, y, 0.34, 0.52, 0.46, 0.64) < w or seg_dist(x, y, 0.46, 0.64, 0.68, 0.38) < w:
        return WHITE
    return TEAL


def draw(path, size, rounded, inset, ss=3):
    pixels = []
    for py in range(size):
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    c = shape((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size, rounded, inset)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 1
            n = acc[3]
            if n == 0:
                pixels.append((0, 0, 0, 0))
            else:
                pixels.append((acc[0] // n, acc[1] // n, acc[2] // n, 255 * n // (ss * ss)))
    png(path, size, pixels)


if __name__ == "__main__":
    draw("icons/icon-192.png", 192, rounded=True, inset=1.0)
    draw("icons/icon-512.png", 512, rounded=True, inset=1.0, ss=2)
    draw("icons/icon-maskable-512.png", 512, rounded=False, inset=0.72, ss=2)
    draw("icons/apple-touch-icon.png", 180, rounded=False, inset=0.85)
