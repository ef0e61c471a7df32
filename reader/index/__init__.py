"""The Qt-free index: which files are articles, their summaries fast, and a cache of them.

``scan`` walks a folder and reads one file cheaply, ``cache`` keeps summaries between runs
in SQLite, ``loader`` puts the two together (with a process pool for cold starts).  The
command line and the window's library service both build on these three modules.
"""
