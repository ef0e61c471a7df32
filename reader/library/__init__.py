"""QtCore services between the Qt-free index and the widgets.

:class:`Library` owns the articles of the open folder (loading, watching, publishing, off
the GUI thread); :class:`FolderWatcher` turns file-system notifications into rescans.
Nothing here imports QtWidgets, so the services can be tested without a window.
"""

from .library import Library
from .watcher import FolderWatcher

__all__ = ["FolderWatcher", "Library"]
