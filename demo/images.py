"""Draw the demo's pictures with Pillow, so the demo needs no downloads.

Every picture is deterministic (seeded), so loading the demo twice gives the
same files.
"""

from __future__ import annotations

import io
import itertools
import math
import random

from PIL import Image, ImageDraw, ImageFont


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def portrait(initials: str, colour: tuple[int, int, int]) -> bytes:
    """A round-faced placeholder portrait with the author's initials."""
    size = 400
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    lighter = tuple(min(255, c + 40) for c in colour)
    draw.ellipse((110, 60, 290, 240), fill=lighter)  # head
    draw.pieslice((40, 230, 360, 560), 180, 360, fill=lighter)  # shoulders
    draw.text((size // 2, 150), initials, font=_font(72), fill="white", anchor="mm")
    return _png(image)


def skyline(
    seed: int, sky: tuple[int, int, int], ground: tuple[int, int, int]
) -> bytes:
    """An illustrative city skyline at dusk, standing in for a news photo."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    width, height = 1600, 900
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # vertical gradient towards the horizon
        t = y / height
        colour = tuple(int(c * (1 - t) + 255 * t * 0.55) for c in sky)
        draw.line([(0, y), (width, y)], fill=colour)
    x = 0
    while x < width:
        w = rng.randint(40, 140)
        h = rng.randint(120, 480)
        draw.rectangle((x, height - h, x + w, height), fill=ground)
        for wy in range(height - h + 20, height - 20, 36):
            for wx in range(x + 10, x + w - 14, 26):
                if rng.random() < 0.35:
                    draw.rectangle((wx, wy, wx + 10, wy + 14), fill=(250, 214, 130))
        x += w + rng.randint(0, 12)
    return _png(image)


def region_map(
    title: str,
    cities: list[tuple[str, float, float]],
    front: list[tuple[float, float]],
    river: list[tuple[float, float]],
) -> bytes:
    """A stylised map: coastline, a river, towns and a dashed line of contact.

    Coordinates are fractions of the width and height, not geography: the map
    is an illustration, and says so.
    """
    width, height = 1200, 800
    image = Image.new("RGB", (width, height), (170, 205, 230))
    draw = ImageDraw.Draw(image)

    def px(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x * width, y * height) for x, y in points]

    coast = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.18, 1.0)]
    for i in range(12):  # a wobbly western coastline
        y = 1.0 - i / 11
        coast.append((0.12 + 0.05 * math.sin(i * 1.7), y))
    draw.polygon(px(coast), fill=(236, 229, 206), outline=(120, 120, 110))
    draw.line(px(river), fill=(110, 160, 210), width=7, joint="curve")
    # Dashed line of contact.
    points = px(front)
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        steps = max(1, int(math.dist((x1, y1), (x2, y2)) // 18))
        for s in range(0, steps, 2):
            a, b = s / steps, min(1.0, (s + 1) / steps)
            draw.line(
                [
                    (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
                    (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b),
                ],
                fill=(200, 30, 30),
                width=5,
            )
    label = _font(26)
    for name, x, y in cities:
        cx, cy = x * width, y * height
        draw.ellipse((cx - 8, cy - 8, cx + 8, cy + 8), fill=(30, 30, 30))
        draw.text((cx + 14, cy - 14), name, font=label, fill=(25, 25, 25))
    draw.rectangle((0, 0, width, 60), fill=(255, 255, 255))
    draw.text((20, 30), title, font=_font(30), fill=(20, 20, 20), anchor="lm")
    legend_y = height - 50
    draw.rectangle(
        (width - 430, legend_y - 20, width - 10, height - 10), fill=(255, 255, 255)
    )
    draw.line(
        (width - 415, legend_y + 5, width - 365, legend_y + 5),
        fill=(200, 30, 30),
        width=5,
    )
    draw.text(
        (width - 355, legend_y + 5),
        "line of contact (approx.)",
        font=_font(20),
        fill=(20, 20, 20),
        anchor="lm",
    )
    draw.text(
        (20, height - 20),
        "Illustrative map, not to scale",
        font=_font(18),
        fill=(60, 60, 60),
        anchor="ls",
    )
    return _png(image)
