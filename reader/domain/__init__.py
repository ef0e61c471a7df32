"""The Qt-free heart of reader: what an article is, how a file is read and how it is published."""
