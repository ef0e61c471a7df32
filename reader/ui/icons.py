"""Every icon the window shows, in one place.

Toolbar and menu icons come from the desktop's icon theme when it has one, so reader
looks like its neighbours; without a theme (a bare X server, a minimal desktop) they are
drawn here with QPainter in the palette's text colour rather than falling back to the
style's dated bitmaps.  The small state icons of the list (published check, unpublished
dot, problem warning) are always drawn here from palette colours, so they read well in
light and dark themes and stay sharp at any device pixel ratio.

Icons are cached per palette: call :func:`clear_cache` when the palette changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QApplication, QStyle

from reader.ui.actions import Actions

_SIZES = (16, 20, 22, 24, 32, 48)
_RATIOS = (1.0, 2.0)

Painter = Callable[[QPainter, QRectF, QPalette], None]

_cache: dict[tuple[str, int], QIcon] = {}


def clear_cache() -> None:
    """Forget every icon: the next request paints again with the current palette."""
    _cache.clear()


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the window background is dark, so accents must be lighter to stand out."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def published_color(palette: QPalette | None = None) -> QColor:
    """The green of a published article, tuned to the background."""
    return QColor("#4cc16d") if is_dark(palette) else QColor("#1e8a3e")


def unpublished_color(palette: QPalette | None = None) -> QColor:
    """The accent of an unpublished (still to do) article: the palette's highlight."""
    palette = palette or QGuiApplication.palette()
    color = palette.color(QPalette.ColorRole.Highlight)
    if is_dark(palette) and color.lightness() < 110:
        color = color.lighter(150)
    return color


def warning_color(palette: QPalette | None = None) -> QColor:
    """The amber of a problem, readable on light and dark backgrounds."""
    return QColor("#e0a526") if is_dark(palette) else QColor("#c98a00")


def error_color(palette: QPalette | None = None) -> QColor:
    """The red of a failure, for the message bar."""
    return QColor("#f26b6b") if is_dark(palette) else QColor("#c62828")


# -- state icons ---------------------------------------------------------------------------


def published_icon() -> QIcon:
    """A check mark: the article is published."""
    return _painted("published", _paint_check, tint_selected=True)


def unpublished_icon() -> QIcon:
    """A filled dot, like an unread mail: the article still waits for a decision."""
    return _painted("unpublished", _paint_dot, tint_selected=True)


def problem_icon() -> QIcon:
    """A warning triangle: the file could not be read."""
    return _painted("problem", _paint_warning)


def error_icon() -> QIcon:
    """A round red sign with a cross, for failures in the message bar."""
    return _painted("error", _paint_error)


def info_icon() -> QIcon:
    """A round sign with an ``i``, for neutral messages in the message bar."""
    return _painted("info", _paint_info)


# -- action icons --------------------------------------------------------------------------


def open_folder_icon() -> QIcon:
    return _themed("document-open", "open-folder", _paint_folder)


def reload_icon() -> QIcon:
    return _themed("view-refresh", "reload", _paint_reload)


def publish_icon() -> QIcon:
    return _themed("object-select-symbolic", "publish", _paint_check_outline)


def open_original_icon() -> QIcon:
    return _themed("internet-web-browser", "open-original", _paint_external)


def search_icon() -> QIcon:
    return _themed("edit-find", "search", _paint_magnifier)


def undo_icon() -> QIcon:
    return _theme_or_standard("edit-undo", QStyle.StandardPixmap.SP_ArrowBack)


def redo_icon() -> QIcon:
    return _theme_or_standard("edit-redo", QStyle.StandardPixmap.SP_ArrowForward)


def copy_icon() -> QIcon:
    return QIcon.fromTheme("edit-copy")


def quit_icon() -> QIcon:
    return QIcon.fromTheme("application-exit")


def help_icon() -> QIcon:
    return _theme_or_standard("help-contents", QStyle.StandardPixmap.SP_DialogHelpButton)


def reveal_icon() -> QIcon:
    return _theme_or_standard("folder-open", QStyle.StandardPixmap.SP_DirOpenIcon)


def app_icon(svg_path: str | None) -> QIcon:
    """The application icon from its SVG, or a painted stand-in when the file is missing."""
    if svg_path:
        icon = QIcon(svg_path)
        if not icon.isNull():
            return icon
    return _painted("app", _paint_app)


# -- machinery -----------------------------------------------------------------------------


def _palette_key() -> int:
    return int(QGuiApplication.palette().cacheKey())


def _themed(theme_name: str, key: str, paint: Painter) -> QIcon:
    icon = QIcon.fromTheme(theme_name) if QIcon.themeName() else QIcon()
    if not icon.isNull():
        return icon
    return _painted(key, paint)


def _theme_or_standard(theme_name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    icon = QIcon.fromTheme(theme_name) if QIcon.themeName() else QIcon()
    if not icon.isNull():
        return icon
    return QApplication.style().standardIcon(fallback)


def _painted(key: str, paint: Painter, *, tint_selected: bool = False) -> QIcon:
    """Paint ``key`` at every size and ratio; with ``tint_selected`` the Selected mode is
    drawn in the highlighted-text colour, so a blue dot stays visible on a blue selection."""
    cache_key = (key, _palette_key())
    icon = _cache.get(cache_key)
    if icon is not None:
        return icon
    palette = QGuiApplication.palette()
    icon = QIcon()
    modes = [QIcon.Mode.Normal, QIcon.Mode.Disabled]
    if tint_selected:
        modes.append(QIcon.Mode.Selected)
    for mode in modes:
        for size in _SIZES:
            for ratio in _RATIOS:
                pixmap = QPixmap(round(size * ratio), round(size * ratio))
                pixmap.setDevicePixelRatio(ratio)
                pixmap.fill(Qt.GlobalColor.transparent)
                painter = QPainter(pixmap)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                if mode is QIcon.Mode.Disabled:
                    painter.setOpacity(0.4)
                paint(painter, QRectF(0, 0, size, size), palette)
                if mode is QIcon.Mode.Selected:
                    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
                    painter.fillRect(
                        QRectF(0, 0, size, size),
                        palette.color(QPalette.ColorRole.HighlightedText),
                    )
                painter.end()
                icon.addPixmap(pixmap, mode)
    _cache[cache_key] = icon
    return icon


def _text_color(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.WindowText)


def _stroke(color: QColor, rect: QRectF, weight: float = 0.09) -> QPen:
    pen = QPen(color, max(1.25, rect.width() * weight))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _paint_check(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    painter.setPen(_stroke(published_color(palette), rect, 0.13))
    path = QPainterPath(QPointF(s * 0.22, s * 0.53))
    path.lineTo(s * 0.42, s * 0.72)
    path.lineTo(s * 0.78, s * 0.30)
    painter.drawPath(path)


def _paint_dot(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(unpublished_color(palette))
    radius = s * 0.19
    painter.drawEllipse(rect.center(), radius, radius)


def _paint_warning(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    triangle = QPolygonF(
        [QPointF(s * 0.5, s * 0.12), QPointF(s * 0.93, s * 0.86), QPointF(s * 0.07, s * 0.86)]
    )
    color = warning_color(palette)
    pen = QPen(color, max(1.0, s * 0.08))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(color)
    painter.drawPolygon(triangle)
    mark = QColor("#1f1f1f")
    painter.setPen(_stroke(mark, rect, 0.1))
    painter.drawLine(QPointF(s * 0.5, s * 0.40), QPointF(s * 0.5, s * 0.58))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(mark)
    painter.drawEllipse(QPointF(s * 0.5, s * 0.73), s * 0.055, s * 0.055)


def _paint_round_sign(painter: QPainter, rect: QRectF, color: QColor, glyph: str) -> None:
    s = rect.width()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(rect.adjusted(s * 0.08, s * 0.08, -s * 0.08, -s * 0.08))
    ink = QColor("white") if color.lightness() < 150 else QColor("#1f1f1f")
    painter.setPen(_stroke(ink, rect, 0.1))
    if glyph == "x":
        a, b = s * 0.36, s * 0.64
        painter.drawLine(QPointF(a, a), QPointF(b, b))
        painter.drawLine(QPointF(a, b), QPointF(b, a))
    else:
        painter.drawLine(QPointF(s * 0.5, s * 0.46), QPointF(s * 0.5, s * 0.70))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawEllipse(QPointF(s * 0.5, s * 0.31), s * 0.06, s * 0.06)


def _paint_error(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    _paint_round_sign(painter, rect, error_color(palette), "x")


def _paint_info(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    _paint_round_sign(painter, rect, unpublished_color(palette), "i")


def _paint_folder(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    painter.setPen(_stroke(_text_color(palette), rect, 0.075))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(s * 0.12, s * 0.80))
    path.lineTo(s * 0.12, s * 0.24)
    path.lineTo(s * 0.38, s * 0.24)
    path.lineTo(s * 0.46, s * 0.33)
    path.lineTo(s * 0.80, s * 0.33)
    path.lineTo(s * 0.80, s * 0.44)
    painter.drawPath(path)
    front = QPainterPath(QPointF(s * 0.12, s * 0.80))
    front.lineTo(s * 0.26, s * 0.44)
    front.lineTo(s * 0.92, s * 0.44)
    front.lineTo(s * 0.78, s * 0.80)
    front.closeSubpath()
    painter.drawPath(front)


def _paint_reload(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    color = _text_color(palette)
    painter.setPen(_stroke(color, rect, 0.085))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    arc = rect.adjusted(s * 0.2, s * 0.2, -s * 0.2, -s * 0.2)
    painter.drawArc(arc, 90 * 16, -300 * 16)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    tip = QPolygonF(
        [QPointF(s * 0.50, s * 0.06), QPointF(s * 0.66, s * 0.20), QPointF(s * 0.50, s * 0.34)]
    )
    painter.drawPolygon(tip)


def _paint_check_outline(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    color = _text_color(palette)
    painter.setPen(_stroke(color, rect, 0.075))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(rect.adjusted(s * 0.1, s * 0.1, -s * 0.1, -s * 0.1))
    path = QPainterPath(QPointF(s * 0.32, s * 0.52))
    path.lineTo(s * 0.45, s * 0.65)
    path.lineTo(s * 0.69, s * 0.37)
    painter.drawPath(path)


def _paint_external(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    painter.setPen(_stroke(_text_color(palette), rect, 0.075))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    box = QPainterPath(QPointF(s * 0.46, s * 0.2))
    box.lineTo(s * 0.2, s * 0.2)
    box.lineTo(s * 0.2, s * 0.8)
    box.lineTo(s * 0.8, s * 0.8)
    box.lineTo(s * 0.8, s * 0.54)
    painter.drawPath(box)
    painter.drawLine(QPointF(s * 0.48, s * 0.52), QPointF(s * 0.84, s * 0.16))
    arrow = QPainterPath(QPointF(s * 0.60, s * 0.16))
    arrow.lineTo(s * 0.84, s * 0.16)
    arrow.lineTo(s * 0.84, s * 0.40)
    painter.drawPath(arrow)


def _paint_magnifier(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    painter.setPen(_stroke(_text_color(palette), rect, 0.09))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(s * 0.43, s * 0.43), s * 0.24, s * 0.24)
    painter.drawLine(QPointF(s * 0.61, s * 0.61), QPointF(s * 0.84, s * 0.84))


def _paint_app(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    s = rect.width()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor("#2f6fd6")))
    tile = rect.adjusted(s * 0.06, s * 0.06, -s * 0.06, -s * 0.06)
    painter.drawRoundedRect(tile, s * 0.2, s * 0.2)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setPixelSize(max(6, round(s * 0.55)))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "r")


def apply_action_icons(actions: Actions) -> None:
    """(Re)paint the actions' icons in the current palette: at start and on a palette change."""
    clear_cache()
    actions["OpenFolder"].setIcon(open_folder_icon())
    actions["Reload"].setIcon(reload_icon())
    actions["TogglePublished"].setIcon(publish_icon())
    actions["OpenOriginal"].setIcon(open_original_icon())
    actions["Undo"].setIcon(undo_icon())
    actions["Redo"].setIcon(redo_icon())
    actions["Find"].setIcon(search_icon())
    actions["CopyOriginalUrl"].setIcon(copy_icon())
    actions["CopyWebUrl"].setIcon(copy_icon())
    actions["Quit"].setIcon(quit_icon())
    actions["KeyboardShortcuts"].setIcon(help_icon())
    actions["RevealFile"].setIcon(reveal_icon())
