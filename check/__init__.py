"""Criteria -> verdicts: catalogue loading, matching, reports and evidence packs."""
