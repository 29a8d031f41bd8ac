"""Scoring: alignment precision/recall/F1, MT metrics (sacrebleu) and term success rates."""
