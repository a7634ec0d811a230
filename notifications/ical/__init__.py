"""Calendars: subscribable feeds and one-event downloads (snapshots, without a METHOD), e-mailed
invites (iTIP REQUEST and CANCEL), all read back by calendar apps we do not control.

`feeds` reads the domain into calendar items and a cheap version of each feed; `render`
turns items into iCalendar text; `invites` subscribes to domain events and e-mails iTIP
messages after commit; `tokens` keeps the secrets of private feeds and download links.
"""
