"""Development tools for the staff console (seeding, scale benchmark, redaction evaluation); not in the
production image."""
