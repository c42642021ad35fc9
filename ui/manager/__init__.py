"""The manager's desk (F12, DESIGN §11): operators, the audit trail, the store's figures."""
