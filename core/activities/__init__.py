"""Activities (calls, meetings, visits, emails, WeChat, notes) and tasks with reminders."""
