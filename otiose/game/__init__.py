"""The application game: characters, hiring rules and exact odds. No Flask here."""
