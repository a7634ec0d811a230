"""Writes of centre management: a centre's details and rules, hours, closures, resources,
floor plan and roles. Each is a service that checks who acts, writes in one transaction
under the space's lock, and records a domain event so live views and feeds follow.

A change that would strand upcoming bookings (a closure, shorter hours, a retired
resource) is refused with `StrandsBookings`, listing them, unless the caller asks to cancel
them; they are then cancelled through the booking service, which tells their holders.
"""
