"""Custom Rasa NLU components of the CRS assistant."""
