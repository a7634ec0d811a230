"""The booking pages: find and book (`find`), my bookings and QR check-in (`mine`), and
the host's calendar and QR codes sheet (`host`)."""
