"""Pages where hosts and network admins run their centres: details, hours, closures,
resources, floor plan, booking rules, people and SMS. Views parse a form, call one service
of `cowork.services.centres`, and render; a refusal becomes a form error."""
