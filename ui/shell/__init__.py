"""The frame every task runs in: application, main window, status bar, sign-in and lock,
idle watch, crash dialog, task runner and sync controller, translation, style, scanner."""
