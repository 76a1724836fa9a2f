"""The tenant side of Guanxi: one Django app per capability (users, api, web, and the CRM apps)."""
