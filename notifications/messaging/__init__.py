"""Messaging: from a due row to a person, whatever the channel.

A message is one `Notification` row. `enqueue` makes the row and asks a worker to send it;
`dispatch` claims due rows and hands each to the channel's backend; `recovery` settles claims
a dead worker left and puts transient failures back with back-off; `delivery` records the
provider's reports on what became of a message; `budget` holds a centre's monthly spend and
the allowance of messages to numbers never reached; `outcomes` writes what became of a claimed
row, and e-mails the message instead where it could not go.

Nothing here is particular to one channel but what a channel provides: its backend (send,
and find a message in its log), its templates and the webhook that reports delivery. SMS is
the channel today (`notifications/sms/`); another channel plugs in beside it.
"""
