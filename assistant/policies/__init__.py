"""Dialogue policies of the project's own, named in config.yml: `WindowedRulePolicy`, Rasa's
RulePolicy building only the recent states its rules can match."""
