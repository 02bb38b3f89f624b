"""Render the application icon set from its SVG source with Qt's QSvgRenderer.

    python packaging/make_icons.py

writes resources/icons/app/orm-desktop-{16..512}.png (freedesktop hicolor sizes, the window icon,
the wheel), packaging/orm-desktop.ico (Windows: PNG-compressed entries 16..256) and
packaging/orm-desktop.icns (macOS, written by Qt's icns plugin). The outputs are committed; run
this again after editing resources/icons/orm-desktop.svg.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "orm-desktop.svg"
PNG_DIR = ROOT / "resources" / "icons" / "app"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data)


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """An ICO container with PNG entries (Windows Vista and later read these at every size);
    Qt's own ico writer stores one image only."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    path.write_bytes(header + entries + blobs)


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icons: cannot read {SOURCE}", file=sys.stderr)
        return 1
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    images = {size: render(renderer, size) for size in SIZES}
    for size, image in images.items():
        image.save(str(PNG_DIR / f"orm-desktop-{size}.png"), "PNG")
    write_ico(ROOT / "packaging" / "orm-desktop.ico", {s: png_bytes(images[s]) for s in ICO_SIZES})
    writer = QImageWriter(str(ROOT / "packaging" / "orm-desktop.icns"), b"icns")
    if not writer.write(images[512]):
        print(f"make_icons: icns not written: {writer.errorString()}", file=sys.stderr)
        return 1
    print(f"wrote {len(SIZES)} PNGs to {PNG_DIR.relative_to(ROOT)}, packaging/orm-desktop.ico, "
          "packaging/orm-desktop.icns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
