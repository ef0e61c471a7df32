"""Start the real reader window and read it over AT-SPI at each step of a short session.

Run by the test inside ``dbus-run-session`` and Xvfb with QT_LINUX_ACCESSIBILITY_ALWAYS_ON:
``python drive_window.py FOLDER SYSTEM_PYTHON READ_TREE_SCRIPT OUT_JSON``.  The window
keeps running its event loop while the reader (a separate AT-SPI client) asks it
questions, so each snapshot runs in a QProcess, and the next step starts when it ends.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reader.app import MainWindow, create_application

folder, system_python, read_tree, out_path = sys.argv[1:5]
app = create_application()
window = MainWindow(Path(folder), watch=False)
window.setGeometry(20, 20, 1200, 740)
window.show()
window.activateWindow()
snapshots: dict[str, object] = {}
steps: list = []


def finish(error: str = "") -> None:
    if error:
        snapshots["error"] = error
    Path(out_path).write_text(json.dumps(snapshots), encoding="utf-8")
    window.close()
    app.quit()


def snapshot(name: str) -> None:
    """Read the tree now; the next step runs once the reader has answered."""
    process = QProcess(app)

    def done(_code: int, _status: object) -> None:
        text = bytes(process.readAllStandardOutput()).decode("utf-8", "replace")
        errors = bytes(process.readAllStandardError()).decode("utf-8", "replace")
        try:
            snapshots[name] = json.loads(text)
        except ValueError:
            snapshots[name] = {"error": f"reader printed no JSON: {text!r} {errors!r}"}
        focused = QApplication.focusWidget()
        snapshots[name]["qt_focus"] = focused.objectName() if focused is not None else ""
        QTimer.singleShot(0, next_step)

    process.finished.connect(done)
    process.start(system_python, [read_tree, str(os.getpid())])


def key(key_code: Qt.Key) -> None:
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, key_code)


def wait_until(condition, then, tries: int = 200) -> None:
    if condition():
        then()
    elif tries == 0:
        finish("timed out waiting for the window")
    else:
        QTimer.singleShot(50, lambda: wait_until(condition, then, tries - 1))


def rows_ready() -> bool:
    return window.library().is_settled() and window.article_view().model().rowCount() > 0


def first_id() -> str:
    model = window.article_view().model()
    return model.index(0, 0).data(Qt.ItemDataRole.UserRole)


def select_first() -> None:
    window.select_article(first_id())
    window.article_view().setFocus(Qt.FocusReason.OtherFocusReason)
    QTimer.singleShot(300, lambda: snapshot("opened"))


def publish() -> None:
    window.action("TogglePublished").trigger()
    QTimer.singleShot(300, lambda: snapshot("published"))


steps = [
    lambda: wait_until(rows_ready, select_first),
    publish,
    lambda: (key(Qt.Key.Key_F7), QTimer.singleShot(300, lambda: snapshot("after_f7"))),
    lambda: (key(Qt.Key.Key_F6), QTimer.singleShot(300, lambda: snapshot("after_f6"))),
    finish,
]


def next_step() -> None:
    step = steps.pop(0)
    step()


QTimer.singleShot(0, next_step)
QTimer.singleShot(60_000, lambda: finish("the session took over a minute"))
app.exec()
