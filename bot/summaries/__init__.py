"""Coordinators' summaries: periods, anonymity rules, wording and delivery."""
