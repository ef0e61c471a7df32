"""The desktop window: Qt widgets over the library service and the Qt-free domain."""
