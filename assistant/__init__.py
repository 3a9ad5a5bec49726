"""The CRS FAQ assistant's own code, by the runtime each module needs:

- standard library only, imported by every process (Rasa, actions, the web gateway and
  console): `names` (names the processes share), `settings`, `topics`, `packaged_files`;
- spaCy / NLU, inside Rasa: `medical_terms` (reads the data files in `nlu/vocabulary/`),
  `red_flag_words`, `red_flag_clauses`, `red_flags`, `spacy_pipeline`, and the pipeline
  components in `nlu/`;
- Rasa server plugins: `nlg` (replies filled from the settings), `channels` (REST channel),
  `tracker_store`, `lock_store`, `store_health`.
"""
