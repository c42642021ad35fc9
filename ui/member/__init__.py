"""Finding and showing a member: lookup bar, pick list, member panel, the member's phone and
camera scans; registration and profile screens join here."""
