"""Slips and cards on paper (DESIGN §11): drawn with QPainter, printed through QPrinter."""
