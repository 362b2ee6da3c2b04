"""Extraction: the protocol, studies and their efficacy and safety findings."""
