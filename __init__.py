"""evidence: verification documents for Vietnamese administrative-reform (CCHC) assessments.

Pipeline: ``ingest`` (files -> pages of text) -> ``extract`` (text -> facts, pure functions)
-> ``index`` (the store: SQLite catalogue and full-text engines) -> ``check``
(criteria -> verdicts). ``cli`` only wires these together.
"""

__version__ = "0.1.0"
