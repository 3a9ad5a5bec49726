"""Staff alerts on urgent reports: a signed webhook posted within seconds (README.md here)."""
