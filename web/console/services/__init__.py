"""The console's logic below the HTTP handlers: accounts and sessions, the audit log, the summary of
Rasa's events and the lists read from it, conversations, reviews, corrections, exports, retention."""
