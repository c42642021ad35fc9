"""The complaints desk (DESIGN §6, §11): F4 logs a complaint, F11 follows it through."""
