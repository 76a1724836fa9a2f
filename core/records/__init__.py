"""The CRM records: accounts, contacts, leads, deals, products, activities, tasks, tickets, campaigns."""
