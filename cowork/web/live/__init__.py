"""Live occupancy pages: the host's dashboard, room and lobby displays, display tokens, the
network view, and the JSON snapshots that live.js polls when the websocket cannot be used.

Every page renders the current state on the server, so it is useful without JavaScript;
live.js then keeps it current over the websocket (realtime/) or by polling. `shapes` turns
a snapshot into what the pages show; `occupancy` holds the dashboard, the network view and
the JSON; `displays` the screens and their set-up.
"""
