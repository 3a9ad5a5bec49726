"""The chat API: validate the parent's message, forward it to Rasa, shape the replies."""
