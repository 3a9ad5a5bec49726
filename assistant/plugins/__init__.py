"""Rasa server plugins, named in endpoints.yml and credentials.yml: the response generator
(`nlg`), the REST channel (`channels`), the SQL tracker store with its health record
(`tracker_store`, `store_health`) and the Redis lock store (`lock_store`)."""
