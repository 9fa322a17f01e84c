"""Reads of the tasks app, cut by the access policy in campaign.selectors."""
