"""Server-rendered booking pages: find and book, my bookings, the host's calendar, QR codes."""
