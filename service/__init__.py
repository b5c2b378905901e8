"""Pathways: careers information for health and social care jobs in London."""
