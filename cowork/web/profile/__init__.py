"""The profile pages: a member's own details, reminders and demographics
(`pages`), and their data, downloaded or deleted, also by a network admin (`data`)."""
