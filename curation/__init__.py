"""`make corrections`: staff corrections exported from the console, reviewed, merged into
``data/nlu/``, then the model retrained and evaluated."""
