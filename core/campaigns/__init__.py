"""Campaigns: channel, period, budget, members (leads and contacts), attributed deals, ROI."""
