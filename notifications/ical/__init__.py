"""Calendars: subscribable feeds (METHOD:PUBLISH), e-mailed invites (REQUEST and CANCEL),
and one-event downloads, all read back by calendar apps we do not control.

`feeds` reads the domain into calendar items and a cheap version of each feed; `render`
turns items into iCalendar text; `invites` subscribes to domain events and e-mails iTIP
messages after commit; `tokens` keeps the secrets of private feeds and download links.
"""
