"""Care plans and the day's work (F9), enrolling from the health record, outreach lists."""
