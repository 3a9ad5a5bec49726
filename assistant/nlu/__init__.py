"""Language understanding inside Rasa (spaCy): the medical vocabulary and the project's
spaCy pipeline, the red-flag matcher and its word lists, and the custom NLU components
(red-flag override, sentence encoder and its featurizer)."""
